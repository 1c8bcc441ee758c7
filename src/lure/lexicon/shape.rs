//! The shape of a regex entry, read from its syntax without running it.
//!
//! What the lexicon matcher needs to know about a regex entry without running it, read
//! from its syntax: which script groups every match needs, and which literal strings every
//! match starts with. A small reader of the syntax the lexicons use; anything it does not
//! understand (flags, nested classes, `\\x..` escapes) makes it say "not known", which
//! keeps the entry in every pass and on the slow path, never changes a result.

use super::scripts::{char_group, lead_group};

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    /// One literal character.
    Char(char),
    /// `[...]`: its ranges, unless it is negated or holds an escape class.
    Class(Option<Vec<(char, char)>>),
    /// `.`, `\\s`, `\\d`, `\\p{..}` and the like: a broad class.
    Broad,
    /// `^`, `$`, `\\b` and other zero-width assertions.
    Assertion,
    /// `a|b|…`
    Alternation(Vec<Node>),
    /// `ab…`
    Concat(Vec<Node>),
    /// An item repeated at least `min` times.
    Repeat(Box<Node>, u32),
}

/// Parses `pattern`, or `None` for syntax this reader does not know.
pub(super) fn parse(pattern: &str) -> Option<Node> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut r = Reader {
        chars: &chars,
        at: 0,
    };
    let node = r.alternation().ok()?;
    (r.at == chars.len()).then_some(node)
}

/// The script groups of which every match holds a character (see [`lead_group`]),
/// or `None` when a match may be all ASCII or the reader cannot tell.
pub(super) fn required_scripts(node: &Node) -> Option<u8> {
    match node {
        Node::Char(c) if c.is_ascii() => None,
        Node::Char(c) => Some(char_group(*c)),
        Node::Class(Some(ranges)) if ranges.iter().all(|(lo, _)| !lo.is_ascii()) => {
            Some(ranges.iter().fold(0, |m, &(lo, hi)| {
                let (lo, hi) = (lead_byte(lo), lead_byte(hi));
                (lo..=hi).fold(m, |m, b| m | lead_group(b))
            }))
        }
        Node::Class(_) | Node::Broad | Node::Assertion => None,
        Node::Alternation(branches) => branches
            .iter()
            .map(required_scripts)
            .try_fold(0, |m, b| b.map(|b| m | b)),
        // Any item that must occur makes the whole need what it needs; the narrowest
        // such item is kept.
        Node::Concat(items) => items
            .iter()
            .filter_map(required_scripts)
            .min_by_key(|m| m.count_ones()),
        Node::Repeat(item, min) => (*min >= 1).then(|| required_scripts(item)).flatten(),
    }
}

/// Whether the pattern has a zero-width assertion anywhere (`^`, `$`, `\\b`, …): a
/// match then depends on the text around it, not just on where it starts.
pub(super) fn has_assertion(node: &Node) -> bool {
    match node {
        Node::Assertion => true,
        Node::Char(_) | Node::Class(_) | Node::Broad => false,
        Node::Alternation(items) | Node::Concat(items) => items.iter().any(has_assertion),
        Node::Repeat(item, _) => has_assertion(item),
    }
}

/// Most literal prefixes kept for one pattern: beyond that a prefix is cut short.
const MAX_PREFIXES: usize = 64;

/// A finite set of non-empty strings such that every match starts with one of them,
/// or `None` when there is none (the pattern may start with a broad class).
pub(super) fn prefixes(node: &Node) -> Option<Vec<String>> {
    let (set, _) = literals(node)?;
    (!set.is_empty() && set.iter().all(|s| !s.is_empty())).then_some(set)
}

/// Shortest literal (in bytes) worth looking for as a regex's [`held_literals`]: shorter
/// ones are in most texts, and each find costs the phrase walk a report.
const MIN_HELD: usize = 3;

/// A finite set of strings, none shorter than [`MIN_HELD`] bytes, such that every match
/// holds one of them after the items its literal prefixes cover (so they tell something
/// the prefixes do not): the set with the longest shortest string, then the fewest.
/// `None` when the reader finds no such set.
pub(super) fn held_literals(node: &Node) -> Option<Vec<String>> {
    let mut set = match node {
        Node::Alternation(branches) => {
            let mut union = Vec::new();
            for b in branches {
                union.extend(held_literals(b)?);
            }
            union
        }
        Node::Concat(items) => most_selective(
            (prefix_items(items).max(1)..items.len())
                .flat_map(|i| held_from(items, i))
                .filter(|set| set.iter().all(|s| s.len() >= MIN_HELD)),
        )?,
        _ => return None,
    };
    set.sort_unstable();
    set.dedup();
    (set.len() <= MAX_PREFIXES).then_some(set)
}

/// How many of `items` (from the first) the literal prefixes of their concatenation
/// ([`literals`]) cover, the last perhaps in part.
fn prefix_items(items: &[Node]) -> usize {
    let mut combinations = 1;
    for (at, item) in items.iter().enumerate() {
        let (inner, repeated, min) = match item {
            Node::Repeat(inner, min) => (&**inner, true, *min),
            other => (other, false, 1),
        };
        if min == 0 {
            return at;
        }
        let Some((tails, exact)) = literals(inner) else {
            return at;
        };
        combinations *= tails.len();
        if combinations > MAX_PREFIXES {
            return at;
        }
        if !exact || repeated {
            return at + 1;
        }
    }
    items.len()
}

/// The set whose shortest string is longest, then the smallest.
fn most_selective(sets: impl Iterator<Item = Vec<String>>) -> Option<Vec<String>> {
    sets.max_by_key(|set| {
        let shortest = set.iter().map(String::len).min().unwrap_or(0);
        (shortest, std::cmp::Reverse(set.len()))
    })
}

/// Literal sets of which every match of `node` holds one (anywhere in it).
fn held(node: &Node) -> Vec<Vec<String>> {
    match node {
        Node::Concat(items) => (0..items.len()).flat_map(|i| held_from(items, i)).collect(),
        Node::Alternation(branches) => branches
            .iter()
            .map(|b| most_selective(held(b).into_iter()))
            .collect::<Option<Vec<_>>>()
            .map(|sets| sets.concat())
            .into_iter()
            .collect(),
        Node::Repeat(item, min) if *min >= 1 => held(item),
        Node::Repeat(..) => Vec::new(),
        other => prefixes(other).into_iter().collect(),
    }
}

/// Literal sets of which every match of `items[at..]` holds one: the strings it starts
/// with, and the sets of item `at`.
fn held_from(items: &[Node], at: usize) -> Vec<Vec<String>> {
    let mut sets = held(&items[at]);
    sets.extend(prefixes(&Node::Concat(items[at..].to_vec())));
    sets
}

/// The strings every match of `node` starts with, and whether they are its whole
/// matches (so that what follows may be appended).
fn literals(node: &Node) -> Option<(Vec<String>, bool)> {
    match node {
        Node::Char(c) => Some((vec![c.to_string()], true)),
        Node::Class(Some(ranges)) => {
            let mut set = Vec::new();
            for &(lo, hi) in ranges {
                for c in lo..=hi {
                    if set.len() == 16 {
                        return None;
                    }
                    set.push(c.to_string());
                }
            }
            Some((set, true))
        }
        Node::Class(None) | Node::Broad | Node::Assertion => None,
        Node::Alternation(branches) => {
            let mut set = Vec::new();
            let mut exact = true;
            for b in branches {
                let (s, e) = literals(b)?;
                set.extend(s);
                exact &= e;
            }
            (set.len() <= MAX_PREFIXES).then_some((set, exact))
        }
        Node::Concat(items) => {
            let mut set = vec![String::new()];
            for item in items {
                let (inner, repeated, min) = match item {
                    Node::Repeat(inner, min) => (&**inner, true, *min),
                    other => (other, false, 1),
                };
                if min == 0 {
                    return Some((set, false));
                }
                let Some((tails, exact)) = literals(inner) else {
                    return Some((set, false));
                };
                if set.len() * tails.len() > MAX_PREFIXES {
                    return Some((set, false));
                }
                set = set
                    .iter()
                    .flat_map(|head| tails.iter().map(move |t| format!("{head}{t}")))
                    .collect();
                // After a repeated item or an inexact one, what follows may not
                // come next.
                if !exact || repeated {
                    return Some((set, false));
                }
            }
            Some((set, true))
        }
        Node::Repeat(item, min) if *min >= 1 => literals(item).map(|(s, _)| (s, false)),
        Node::Repeat(..) => None,
    }
}

fn lead_byte(c: char) -> u8 {
    let mut buf = [0u8; 4];
    c.encode_utf8(&mut buf).as_bytes()[0]
}

struct Reader<'a> {
    chars: &'a [char],
    at: usize,
}

type Parsed<T> = Result<T, ()>;

impl Reader<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Parsed<char> {
        let c = self.peek().ok_or(())?;
        self.at += 1;
        Ok(c)
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        self.at += usize::from(found);
        found
    }

    fn alternation(&mut self) -> Parsed<Node> {
        let mut branches = vec![self.concatenation()?];
        while self.eat('|') {
            branches.push(self.concatenation()?);
        }
        Ok(if branches.len() == 1 {
            branches.remove(0)
        } else {
            Node::Alternation(branches)
        })
    }

    fn concatenation(&mut self) -> Parsed<Node> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(match self.repetition()? {
                Some(min) => Node::Repeat(Box::new(atom), min),
                None => atom,
            });
        }
        Ok(Node::Concat(items))
    }

    fn atom(&mut self) -> Parsed<Node> {
        match self.next()? {
            '(' => {
                if self.eat('?') {
                    // Only non-capturing and named groups: flags such as `(?i)` would
                    // change what a character matches.
                    match self.next()? {
                        ':' => {}
                        'P' | '<' => {
                            self.eat('<');
                            while self.next()? != '>' {}
                        }
                        _ => return Err(()),
                    }
                }
                let inner = self.alternation()?;
                if self.next()? != ')' {
                    return Err(());
                }
                Ok(inner)
            }
            '[' => self.class(),
            '\\' => self.escape(),
            '.' => Ok(Node::Broad),
            '^' | '$' => Ok(Node::Assertion),
            '*' | '+' | '?' | '{' | ')' | '|' => Err(()),
            c => Ok(Node::Char(c)),
        }
    }

    /// An escape after `\\`.
    fn escape(&mut self) -> Parsed<Node> {
        match self.next()? {
            'p' | 'P' => {
                if self.eat('{') {
                    while self.next()? != '}' {}
                } else {
                    self.next()?;
                }
                Ok(Node::Broad)
            }
            's' | 'S' | 'd' | 'D' | 'w' | 'W' => Ok(Node::Broad),
            'b' | 'B' | 'A' | 'z' => Ok(Node::Assertion),
            'n' => Ok(Node::Char('\n')),
            't' => Ok(Node::Char('\t')),
            'r' => Ok(Node::Char('\r')),
            c if c.is_ascii_punctuation() => Ok(Node::Char(c)),
            _ => Err(()),
        }
    }

    /// `[…]` after its `[`.
    fn class(&mut self) -> Parsed<Node> {
        let negated = self.eat('^');
        let mut ranges = Vec::new();
        let mut broad = negated;
        let mut first = true;
        loop {
            let c = self.next()?;
            if c == ']' && !first {
                break;
            }
            first = false;
            match c {
                '[' => return Err(()),
                '\\' => {
                    match self.escape()? {
                        Node::Char(e) => ranges.push((e, e)),
                        _ => broad = true,
                    }
                    continue;
                }
                '&' | '~' | '-' if self.peek() == Some(c) => return Err(()),
                _ => {}
            }
            let mut hi = c;
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|&d| d != ']') {
                self.at += 1;
                hi = self.next()?;
                if hi == '\\' || hi == '[' || hi < c {
                    return Err(());
                }
            }
            ranges.push((c, hi));
        }
        Ok(Node::Class((!broad).then_some(ranges)))
    }

    /// A repetition operator after an item, if any: the item's minimum count.
    fn repetition(&mut self) -> Parsed<Option<u32>> {
        let min = match self.peek() {
            Some('?' | '*') => {
                self.at += 1;
                0
            }
            Some('+') => {
                self.at += 1;
                1
            }
            Some('{') => {
                self.at += 1;
                let mut min = 0u32;
                let mut digits = 0;
                while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                    min = min.saturating_mul(10).saturating_add(d);
                    digits += 1;
                    self.at += 1;
                }
                if digits == 0 {
                    return Err(());
                }
                loop {
                    match self.next()? {
                        '}' => break,
                        ',' => {}
                        c if c.is_ascii_digit() => {}
                        _ => return Err(()),
                    }
                }
                min
            }
            _ => return Ok(None),
        };
        self.eat('?');
        Ok(Some(min))
    }
}

#[cfg(test)]
mod tests {
    use crate::lure::lexicon::scripts::lead_group;
    use crate::lure::lexicon::shape;

    fn required_scripts(pattern: &str) -> Option<u8> {
        shape::parse(pattern).and_then(|node| shape::required_scripts(&node))
    }

    fn prefixes(pattern: &str) -> Option<Vec<String>> {
        shape::parse(pattern)
            .filter(|n| !shape::has_assertion(n))
            .and_then(|node| shape::prefixes(&node))
    }

    #[test]
    fn literal_prefixes_of_regexes() {
        let p = |s: &str| prefixes(s).map(|v| v.join(","));
        assert_eq!(p(r"send\s+(a\s+)?copy").as_deref(), Some("send"));
        assert_eq!(
            p(r"(send|submit)\s+passport").as_deref(),
            Some("send,submit")
        );
        assert_eq!(p(r"girls?\s+only").as_deref(), Some("girl"));
        assert_eq!(
            p(r"don['’]t tell").as_deref(),
            Some("don't tell,don’t tell")
        );
        assert_eq!(p(r"(no|zero) fees?").as_deref(), Some("no fee,zero fee"));
        assert_eq!(
            p(r"age\s*[0-9]").as_deref(),
            Some("age"),
            "stops at the first item that may repeat or vary"
        );
        assert_eq!(p(r"[0-2]x").as_deref(), Some("0x,1x,2x"));
        assert_eq!(
            p(r"(1[6-9]|2[0-2])").as_deref(),
            Some("16,17,18,19,20,21,22")
        );
        // No literal start, or context matters: found by the alternation instead.
        assert_eq!(p(r"\d+\s*%"), None);
        assert_eq!(p(r"(usd|\S+)"), None);
        assert_eq!(p(r"(a|)b").as_deref(), Some("ab,b"));
        assert_eq!(p(r"(a|)"), None);
        assert_eq!(p(r"\bfee"), None);
        assert_eq!(p(r"fee$"), None);
        assert_eq!(p(r"[가-힣]+"), None);
    }

    #[test]
    fn held_literals_of_regexes() {
        let held = |s: &str| {
            shape::parse(s)
                .and_then(|n| shape::held_literals(&n))
                .map(|v| v.join(","))
        };
        assert_eq!(
            held(r"(send|submit)\s+(\S+\s+){0,4}?passport\s+(copy|scan)").as_deref(),
            Some("passport")
        );
        assert_eq!(held(r"typing(\s+skills?)?\s+only").as_deref(), Some("only"));
        assert_eq!(
            held(r"(no|without)\s+experiences?\s+(needed|required)").as_deref(),
            Some("experience"),
            "the longest shortest string"
        );
        assert_eq!(
            held(r"a\s+(paid|free)\s+ticket|b\s+visas?").as_deref(),
            Some("ticket,visa"),
            "one set per branch"
        );
        // Too short to be worth looking for, covered by the prefixes, or not there.
        assert_eq!(held(r"send\s+(a\s+)?pi\s+of"), None);
        assert_eq!(held(r"gagner beaucoup"), None);
        assert_eq!(held(r"a\s+(ticket|\S+)"), None);
        assert_eq!(held(r"a\s+(tickets)?"), None);
        assert_eq!(held(r"a\s+ticket|b"), None);
    }

    #[test]
    fn script_needs_of_regexes() {
        let hangul = lead_group("숙".as_bytes()[0]);
        let thai = lead_group("ไ".as_bytes()[0]);
        let khmer = lead_group("ទ".as_bytes()[0]);
        assert_eq!(required_scripts(r"숙식\s*제공[가-힣]*"), Some(hangul));
        assert_eq!(required_scripts(r"[가-힣]+\s*(알바|모집)"), Some(hangul));
        assert_eq!(required_scripts(r"(ไม่เก็บ|ไม่มี)(ค่าใช้จ่าย|ค่าสมัคร)"), Some(thai));
        assert_eq!(
            required_scripts(r"ទាក់ទង(មក)?តាម\s*(តេឡេក្រាម|telegram)"),
            Some(khmer)
        );
        assert_eq!(required_scripts(r"(숙식|ไม่มี)"), Some(hangul | thai));
        // A match may be all ASCII, or the reader cannot tell: kept in every pass.
        assert_eq!(required_scripts(r"(usd|달러)\s*\d+"), None);
        assert_eq!(required_scripts(r"send\s+(a\s+)?copy"), None);
        assert_eq!(required_scripts(r"\d+\s*%"), None);
        assert_eq!(required_scripts(r"(숙식)?\s*\d+"), None);
        assert_eq!(required_scripts(r"숙식|"), None);
        assert_eq!(required_scripts(r"[^가-힣]+"), None);
        assert_eq!(required_scripts(r"\p{Hangul}+"), None);
        assert_eq!(required_scripts(r"(?i)숙식"), None);
        assert_eq!(required_scripts(r"숙식{0,2}"), Some(hangul));
        assert_eq!(required_scripts(r"(숙식){0,2}"), None);
        assert_eq!(required_scripts(r"숙(식"), None);
    }
}
