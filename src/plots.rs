//! Standalone SVG 1.1 pictures of evaluation results: the precision–recall curve, the ROC
//! curve and the reliability diagram, written by hand as strings (no drawing crate). Every
//! plot shares one frame: both axes run from 0 to 1 with ticks and grid lines every 0.2, a
//! title, and a one-line key under it so that no annotation can cover the data. This module
//! only draws what `metrics` computed; it computes no metric and writes no file.

use std::fmt::Write as _;

use crate::metrics::{PrPoint, ReliabilityBin, RocPoint};

/// Curves with more points than this are drawn as a line only, without a marker per point,
/// so an evaluation over many thousands of distinct scores stays a small file.
pub const MAX_MARKERS: usize = 300;

const FONT: &str = "DejaVu Sans, Helvetica, Arial, sans-serif";
const CURVE: &str = "#1f77b4";
const REFERENCE: &str = "#7f7f7f";
const GRID: &str = "#e5e5e5";
const TEXT: &str = "#222222";
const BAR_FILL: &str = "#c6dbef";

const WIDTH: f64 = 460.0;
const LEFT: f64 = 72.0;
const PLOT: f64 = 360.0;
const TOP: f64 = 62.0;
const TITLE_SIZE: f64 = 15.0;
const LABEL_SIZE: f64 = 12.0;
const TICK_SIZE: f64 = 11.0;

/// The precision–recall curve as the step function whose area is the average precision
/// (precision `P_k` held over recall `(R_{k−1}, R_k]`), with a marker per point for up to
/// [`MAX_MARKERS`] points. `baseline_precision` (usually the prevalence, the precision of a
/// random ranker) is drawn as a dashed horizontal line when given and within `[0, 1]`.
/// Points with a non-finite coordinate are skipped; others are clamped to `[0, 1]`.
pub fn pr_curve_svg(points: &[PrPoint], title: &str, baseline_precision: Option<f64>) -> String {
    let mut key = vec![KeyItem::line(CURVE, false, "PR curve (area = AP)")];
    let baseline = baseline_precision.filter(|b| (0.0..=1.0).contains(b));
    if let Some(b) = baseline {
        key.push(KeyItem::line(
            REFERENCE,
            true,
            &format!("random ranker ({})", fmt_value(b)),
        ));
    }
    let mut svg = Svg::new(TOP + PLOT + 58.0, title, &key);
    let panel = Panel {
        left: LEFT,
        top: TOP,
        width: PLOT,
        height: PLOT,
    };
    svg.axes(&panel, true, "Recall", "Precision");
    if let Some(b) = baseline {
        svg.line(&panel, (0.0, b), (1.0, b), REFERENCE, true);
    }
    let xy: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| finite_xy(p.recall, p.precision))
        .collect();
    // Step path: from recall 0 at the first precision, across to each point's recall, then
    // down (or up) to the next point's precision.
    let mut steps = Vec::with_capacity(2 * xy.len());
    let mut recall = 0.0;
    for &(r, p) in &xy {
        steps.push((recall, p));
        steps.push((r, p));
        recall = r;
    }
    svg.polyline(&panel, &steps, CURVE);
    if xy.len() <= MAX_MARKERS {
        for (p, &(x, y)) in points
            .iter()
            .filter(|p| finite_xy(p.recall, p.precision).is_some())
            .zip(&xy)
        {
            let tip = format!(
                "threshold {}: recall {}, precision {}",
                fmt_value(p.threshold),
                fmt_value(p.recall),
                fmt_value(p.precision)
            );
            svg.marker(&panel, (x, y), 2.5, &tip);
        }
    }
    svg.finish()
}

/// The ROC curve through its points in order, with the dashed chance diagonal, a marker per
/// point for up to [`MAX_MARKERS`] points, and the AUC in the key when given. Points with a
/// non-finite coordinate are skipped; others are clamped to `[0, 1]`.
pub fn roc_curve_svg(points: &[RocPoint], title: &str, auc: Option<f64>) -> String {
    let curve_label = match auc.filter(|a| a.is_finite()) {
        Some(a) => format!("ROC (AUC = {a:.3})"),
        None => "ROC".to_string(),
    };
    let key = [
        KeyItem::line(CURVE, false, &curve_label),
        KeyItem::line(REFERENCE, true, "chance"),
    ];
    let mut svg = Svg::new(TOP + PLOT + 58.0, title, &key);
    let panel = Panel {
        left: LEFT,
        top: TOP,
        width: PLOT,
        height: PLOT,
    };
    svg.axes(
        &panel,
        true,
        "False-positive rate",
        "True-positive rate (recall)",
    );
    svg.line(&panel, (0.0, 0.0), (1.0, 1.0), REFERENCE, true);
    let xy: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| finite_xy(p.fpr, p.tpr))
        .collect();
    svg.polyline(&panel, &xy, CURVE);
    if xy.len() <= MAX_MARKERS {
        for (p, &(x, y)) in points
            .iter()
            .filter(|p| finite_xy(p.fpr, p.tpr).is_some())
            .zip(&xy)
        {
            let tip = format!(
                "threshold {}: FPR {}, TPR {}",
                fmt_value(p.threshold),
                fmt_value(p.fpr),
                fmt_value(p.tpr)
            );
            svg.marker(&panel, (x, y), 2.5, &tip);
        }
    }
    svg.finish()
}

/// The reliability diagram: each bin as a point at (mean predicted, observed rate) whose area
/// is proportional to its count, joined in order, against the dashed perfect-calibration
/// diagonal; below it, a histogram of counts per bin on the same probability axis, labelled
/// with the counts where the bars are wide enough. Bins with a non-finite value are skipped.
pub fn reliability_svg(bins: &[ReliabilityBin], title: &str) -> String {
    let key = [
        KeyItem::dot("bin (area ∝ count)"),
        KeyItem::line(REFERENCE, true, "perfect calibration"),
    ];
    const HIST_GAP: f64 = 22.0;
    const HIST: f64 = 80.0;
    let mut svg = Svg::new(TOP + PLOT + HIST_GAP + HIST + 58.0, title, &key);
    let panel = Panel {
        left: LEFT,
        top: TOP,
        width: PLOT,
        height: PLOT,
    };
    let hist = Panel {
        left: LEFT,
        top: TOP + PLOT + HIST_GAP,
        width: PLOT,
        height: HIST,
    };
    svg.axes(&panel, false, "", "Observed lure rate");
    svg.line(&panel, (0.0, 0.0), (1.0, 1.0), REFERENCE, true);

    let shown: Vec<&ReliabilityBin> = bins
        .iter()
        .filter(|b| {
            [b.lo, b.hi, b.mean_predicted, b.observed_rate]
                .iter()
                .all(|v| v.is_finite())
        })
        .collect();
    let max_count = shown.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let xy: Vec<(f64, f64)> = shown
        .iter()
        .map(|b| (b.mean_predicted, b.observed_rate))
        .collect();
    svg.polyline(&panel, &xy, CURVE);
    for b in &shown {
        // Area ∝ count: radius ∝ √count, from 2.5 px up to 9 px for the fullest bin.
        let radius = 2.5 + 6.5 * (b.count as f64 / max_count as f64).sqrt();
        let tip = format!(
            "[{}, {}): {} predictions, mean predicted {}, observed {}",
            fmt_value(b.lo),
            fmt_value(b.hi),
            b.count,
            fmt_value(b.mean_predicted),
            fmt_value(b.observed_rate)
        );
        svg.marker(&panel, (b.mean_predicted, b.observed_rate), radius, &tip);
    }

    // Histogram of counts: same x scale, its own y scale from 0 to the largest count. Every
    // bar's count is labelled at one size, the largest (up to 9 px) at which all labels fit
    // their bars; if that is under 6 px, none is.
    let label_size = shown
        .iter()
        .map(|b| (hist.x(b.hi) - hist.x(b.lo) - 3.0) / text_width(&b.count.to_string(), 1.0))
        .fold(9.0_f64, f64::min);
    let label_size = (label_size >= 6.0).then_some(label_size.floor());
    svg.grid_and_ticks_x(&hist, true, "Predicted probability");
    for b in &shown {
        let (x0, x1) = (hist.x(b.lo), hist.x(b.hi));
        let h = hist.height * b.count as f64 / max_count as f64;
        let y = hist.top + hist.height - h;
        let bar_width = (x1 - x0 - 1.0).max(0.5);
        let _ = write!(
            svg.out,
            r#"<rect class="bar" x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{BAR_FILL}" stroke="{CURVE}" stroke-width="0.8"><title>{}</title></rect>"#,
            x0 + 0.5,
            y,
            bar_width,
            h,
            b.count
        );
        svg.out.push('\n');
        if let Some(size) = label_size {
            // Inside the top of tall bars, just above short ones, so it never leaves the panel.
            let ty = if h > size + 5.0 {
                y + size + 1.0
            } else {
                y - 2.0
            };
            svg.text(
                (x0 + x1) / 2.0,
                ty,
                size,
                "middle",
                "",
                &b.count.to_string(),
            );
        }
    }
    svg.frame(&hist);
    svg.text(
        hist.left - 6.0,
        hist.top + 4.0,
        TICK_SIZE,
        "end",
        "",
        &max_count.to_string(),
    );
    svg.text(
        hist.left - 6.0,
        hist.top + hist.height + 4.0,
        TICK_SIZE,
        "end",
        "",
        "0",
    );
    svg.vertical_label(&hist, "Count");
    svg.finish()
}

/// A plot area in pixels; data coordinates run 0–1 on both axes.
struct Panel {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
}

impl Panel {
    fn x(&self, v: f64) -> f64 {
        self.left + v.clamp(0.0, 1.0) * self.width
    }

    /// SVG's y grows downwards; data y grows upwards.
    fn y(&self, v: f64) -> f64 {
        self.top + (1.0 - v.clamp(0.0, 1.0)) * self.height
    }
}

/// One entry of the key under the title.
struct KeyItem {
    label: String,
    colour: &'static str,
    dashed: bool,
    dot: bool,
}

impl KeyItem {
    fn line(colour: &'static str, dashed: bool, label: &str) -> KeyItem {
        KeyItem {
            label: label.to_string(),
            colour,
            dashed,
            dot: false,
        }
    }

    fn dot(label: &str) -> KeyItem {
        KeyItem {
            label: label.to_string(),
            colour: CURVE,
            dashed: false,
            dot: true,
        }
    }
}

/// An SVG document being written.
struct Svg {
    out: String,
}

impl Svg {
    /// Opens the document with a white background, the title and the key.
    fn new(height: f64, title: &str, key: &[KeyItem]) -> Svg {
        let mut out = String::with_capacity(16 * 1024);
        let _ = write!(
            out,
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="no"?>"#,
                "\n",
                r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{font}" fill="{text}">"#,
                "\n<title>{title}</title>\n",
                r#"<rect x="0" y="0" width="{w}" height="{h}" fill="white"/>"#,
                "\n"
            ),
            w = WIDTH,
            h = height,
            font = FONT,
            text = TEXT,
            title = escape(title)
        );
        let mut svg = Svg { out };
        // Long titles are set smaller, and past a point cut with an ellipsis (the full title
        // stays in <title>), rather than running off the canvas.
        let (size, shown) = fit_title(title, WIDTH - 16.0);
        svg.text(WIDTH / 2.0, 24.0, size, "middle", "bold", &shown);
        svg.key(key, 44.0);
        svg
    }

    /// Lays the key out in one centred row.
    fn key(&mut self, items: &[KeyItem], y: f64) {
        const SWATCH: f64 = 22.0;
        const GAP: f64 = 16.0;
        let size = TICK_SIZE;
        let widths: Vec<f64> = items
            .iter()
            .map(|i| SWATCH + 5.0 + text_width(&i.label, size))
            .collect();
        let total = widths.iter().sum::<f64>() + GAP * items.len().saturating_sub(1) as f64;
        let mut x = ((WIDTH - total) / 2.0).max(4.0);
        for (item, w) in items.iter().zip(widths) {
            if item.dot {
                let _ = write!(
                    self.out,
                    r#"<circle cx="{:.2}" cy="{:.2}" r="4" fill="{}" fill-opacity="0.55" stroke="{}"/>"#,
                    x + SWATCH / 2.0,
                    y - 4.0,
                    item.colour,
                    item.colour
                );
            } else {
                let _ = write!(
                    self.out,
                    r#"<line x1="{:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}" stroke="{}" stroke-width="{}"{}/>"#,
                    x,
                    y - 4.0,
                    x + SWATCH,
                    y - 4.0,
                    item.colour,
                    if item.dashed { 1.2 } else { 2.0 },
                    if item.dashed {
                        r#" stroke-dasharray="5 4""#
                    } else {
                        ""
                    }
                );
            }
            self.out.push('\n');
            self.text(x + SWATCH + 5.0, y, size, "start", "", &item.label);
            x += w + GAP;
        }
    }

    /// Grid, frame, ticks every 0.2 with labels, and axis labels.
    fn axes(&mut self, p: &Panel, x_ticks: bool, x_label: &str, y_label: &str) {
        for i in 0..=5 {
            let v = f64::from(i) * 0.2;
            let y = p.y(v);
            let _ = write!(
                self.out,
                r#"<line x1="{:.2}" y1="{y:.2}" x2="{:.2}" y2="{y:.2}" stroke="{GRID}" stroke-width="1"/>"#,
                p.left,
                p.left + p.width
            );
            self.out.push('\n');
            let _ = write!(
                self.out,
                r#"<line x1="{:.2}" y1="{y:.2}" x2="{:.2}" y2="{y:.2}" stroke="{TEXT}" stroke-width="1"/>"#,
                p.left - 4.0,
                p.left
            );
            self.out.push('\n');
            self.text(p.left - 7.0, y + 4.0, TICK_SIZE, "end", "", &tick_label(v));
        }
        self.grid_and_ticks_x(p, x_ticks, x_label);
        self.frame(p);
        self.vertical_label(p, y_label);
    }

    /// Vertical grid lines every 0.2, tick marks, and (optionally) tick labels and x label.
    fn grid_and_ticks_x(&mut self, p: &Panel, labels: bool, x_label: &str) {
        let bottom = p.top + p.height;
        for i in 0..=5 {
            let v = f64::from(i) * 0.2;
            let x = p.x(v);
            let _ = write!(
                self.out,
                r#"<line x1="{x:.2}" y1="{:.2}" x2="{x:.2}" y2="{bottom:.2}" stroke="{GRID}" stroke-width="1"/>"#,
                p.top
            );
            self.out.push('\n');
            if labels {
                let _ = write!(
                    self.out,
                    r#"<line x1="{x:.2}" y1="{bottom:.2}" x2="{x:.2}" y2="{:.2}" stroke="{TEXT}" stroke-width="1"/>"#,
                    bottom + 4.0
                );
                self.out.push('\n');
                self.text(x, bottom + 17.0, TICK_SIZE, "middle", "", &tick_label(v));
            }
        }
        if labels && !x_label.is_empty() {
            self.text(
                p.left + p.width / 2.0,
                bottom + 38.0,
                LABEL_SIZE,
                "middle",
                "",
                x_label,
            );
        }
    }

    fn frame(&mut self, p: &Panel) {
        let _ = write!(
            self.out,
            r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="none" stroke="{TEXT}" stroke-width="1"/>"#,
            p.left, p.top, p.width, p.height
        );
        self.out.push('\n');
    }

    /// The y-axis label, rotated, centred on the panel, left of the tick labels.
    fn vertical_label(&mut self, p: &Panel, label: &str) {
        let (x, y) = (p.left - 46.0, p.top + p.height / 2.0);
        let _ = write!(
            self.out,
            r#"<text x="{x:.2}" y="{y:.2}" font-size="{LABEL_SIZE}" text-anchor="middle" transform="rotate(-90 {x:.2} {y:.2})">{}</text>"#,
            escape(label)
        );
        self.out.push('\n');
    }

    fn line(&mut self, p: &Panel, from: (f64, f64), to: (f64, f64), colour: &str, dashed: bool) {
        let _ = write!(
            self.out,
            r#"<line x1="{:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}" stroke="{colour}" stroke-width="1.2"{}/>"#,
            p.x(from.0),
            p.y(from.1),
            p.x(to.0),
            p.y(to.1),
            if dashed {
                r#" stroke-dasharray="5 4""#
            } else {
                ""
            }
        );
        self.out.push('\n');
    }

    fn polyline(&mut self, p: &Panel, xy: &[(f64, f64)], colour: &str) {
        if xy.is_empty() {
            return;
        }
        let mut pts = String::with_capacity(xy.len() * 16);
        for &(x, y) in xy {
            let _ = write!(pts, "{:.2},{:.2} ", p.x(x), p.y(y));
        }
        let _ = write!(
            self.out,
            r#"<polyline class="curve" points="{}" fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round"/>"#,
            pts.trim_end()
        );
        self.out.push('\n');
    }

    /// A data point with a hover tooltip.
    fn marker(&mut self, p: &Panel, (x, y): (f64, f64), radius: f64, tip: &str) {
        let _ = write!(
            self.out,
            r#"<circle class="pt" cx="{:.2}" cy="{:.2}" r="{radius:.2}" fill="{CURVE}" fill-opacity="0.55" stroke="{CURVE}" stroke-width="1"><title>{}</title></circle>"#,
            p.x(x),
            p.y(y),
            escape(tip)
        );
        self.out.push('\n');
    }

    fn text(&mut self, x: f64, y: f64, size: f64, anchor: &str, weight: &str, text: &str) {
        let _ = write!(
            self.out,
            r#"<text x="{x:.2}" y="{y:.2}" font-size="{size:.1}" text-anchor="{anchor}""#
        );
        if !weight.is_empty() {
            let _ = write!(self.out, r#" font-weight="{weight}""#);
        }
        let _ = writeln!(self.out, ">{}</text>", escape(text));
    }

    fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

/// Keeps a point only when both coordinates are finite.
fn finite_xy(x: f64, y: f64) -> Option<(f64, f64)> {
    (x.is_finite() && y.is_finite()).then_some((x, y))
}

fn tick_label(v: f64) -> String {
    format!("{v:.1}")
}

/// A number for a tooltip or key: up to 4 decimals, `∞` for infinities.
fn fmt_value(v: f64) -> String {
    if v.is_infinite() {
        if v > 0.0 {
            "+∞".into()
        } else {
            "−∞".into()
        }
    } else {
        let s = format!("{v:.4}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" { "0".into() } else { s.to_string() }
    }
}

/// A generous estimate of rendered text width (sans-serif glyphs average about 0.6 em).
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.6
}

/// Font size and text for the title so that it fits `available` pixels: the normal size
/// when it fits, otherwise smaller down to 9 px, and past that cut with an ellipsis.
fn fit_title(title: &str, available: f64) -> (f64, String) {
    const MIN_SIZE: f64 = 9.0;
    // Bold glyphs run a little wider than `text_width` assumes.
    let em_per_char = 0.65;
    let chars = title.chars().count().max(1) as f64;
    let size = (available / (em_per_char * chars)).min(TITLE_SIZE);
    if size >= MIN_SIZE {
        return (size.floor().min(TITLE_SIZE), title.to_string());
    }
    let keep = (available / (em_per_char * MIN_SIZE)).floor() as usize;
    let mut cut: String = title.chars().take(keep.saturating_sub(1)).collect();
    cut.push('…');
    (MIN_SIZE, cut)
}

/// Escapes text for XML content and attribute values, and drops characters XML 1.0 forbids
/// (control characters other than tab, newline and carriage return).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small XML well-formedness check: one root element, balanced and properly nested
    /// tags, quoted attributes without raw `<`, and only the five predefined or numeric
    /// entities. Returns the element names in document order.
    fn check_xml(doc: &str) -> Result<Vec<String>, String> {
        let mut stack: Vec<String> = Vec::new();
        let mut names = Vec::new();
        let mut roots = 0;
        let mut rest = doc;
        if let Some(after) = rest.strip_prefix("<?xml") {
            let end = after.find("?>").ok_or("unterminated XML declaration")?;
            rest = &after[end + 2..];
        }
        while !rest.is_empty() {
            let lt = rest.find('<').unwrap_or(rest.len());
            check_text(&rest[..lt])?;
            if stack.is_empty() && !rest[..lt].trim().is_empty() {
                return Err(format!("text outside the root: {:?}", &rest[..lt]));
            }
            rest = &rest[lt..];
            if rest.is_empty() {
                break;
            }
            // Find the closing '>' outside quotes.
            let mut quote: Option<char> = None;
            let mut end = None;
            for (i, c) in rest.char_indices().skip(1) {
                match (quote, c) {
                    (None, '"' | '\'') => quote = Some(c),
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), '<') => return Err("raw < inside an attribute".into()),
                    (None, '>') => {
                        end = Some(i);
                        break;
                    }
                    (None, '<') => return Err("< inside a tag".into()),
                    _ => {}
                }
            }
            let end = end.ok_or("unterminated tag")?;
            let tag = &rest[1..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                let open = stack.pop().ok_or(format!("</{name}> closes nothing"))?;
                if open != name.trim() {
                    return Err(format!("<{open}> closed by </{name}>"));
                }
                continue;
            }
            let self_closing = tag.ends_with('/');
            let body = tag.trim_end_matches('/');
            let name: String = body.chars().take_while(|c| !c.is_whitespace()).collect();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':')
            {
                return Err(format!("bad element name in <{tag}>"));
            }
            check_attributes(&body[name.len()..])?;
            if stack.is_empty() {
                roots += 1;
            }
            names.push(name.clone());
            if !self_closing {
                stack.push(name);
            }
        }
        if let Some(open) = stack.pop() {
            return Err(format!("<{open}> never closed"));
        }
        if roots != 1 {
            return Err(format!("{roots} root elements"));
        }
        Ok(names)
    }

    fn check_text(text: &str) -> Result<(), String> {
        let mut rest = text;
        while let Some(amp) = rest.find('&') {
            let semi = rest[amp..].find(';').ok_or("& without ;")?;
            let entity = &rest[amp + 1..amp + semi];
            let ok = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
                || entity
                    .strip_prefix("#x")
                    .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
                || entity
                    .strip_prefix('#')
                    .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                return Err(format!("unknown entity &{entity};"));
            }
            rest = &rest[amp + semi + 1..];
        }
        if text.contains('>') && text.contains("]]>") {
            return Err("]]> in text".into());
        }
        Ok(())
    }

    /// `name="value"` pairs separated by whitespace, each name once.
    fn check_attributes(mut attrs: &str) -> Result<(), String> {
        let mut seen = Vec::new();
        loop {
            attrs = attrs.trim_start();
            if attrs.is_empty() {
                return Ok(());
            }
            let eq = attrs
                .find('=')
                .ok_or(format!("attribute without value: {attrs}"))?;
            let name = attrs[..eq].trim();
            if name.is_empty() || name.contains(char::is_whitespace) || seen.contains(&name) {
                return Err(format!("bad or repeated attribute name {name:?}"));
            }
            seen.push(name);
            let value = &attrs[eq + 1..];
            let q = value
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
                .ok_or(format!("unquoted {name}"))?;
            let close = value[1..].find(q).ok_or(format!("unterminated {name}"))?;
            check_text(&value[1..1 + close])?;
            attrs = &value[close + 2..];
        }
    }

    fn count(doc: &str, needle: &str) -> usize {
        doc.matches(needle).count()
    }

    fn pr_points() -> Vec<PrPoint> {
        vec![
            PrPoint {
                recall: 0.5,
                precision: 1.0,
                threshold: 0.8,
            },
            PrPoint {
                recall: 0.5,
                precision: 0.5,
                threshold: 0.4,
            },
            PrPoint {
                recall: 1.0,
                precision: 2.0 / 3.0,
                threshold: 0.35,
            },
            PrPoint {
                recall: 1.0,
                precision: 0.5,
                threshold: 0.1,
            },
        ]
    }

    fn roc_points() -> Vec<RocPoint> {
        vec![
            RocPoint {
                fpr: 0.0,
                tpr: 0.0,
                threshold: f64::INFINITY,
            },
            RocPoint {
                fpr: 0.0,
                tpr: 0.5,
                threshold: 0.8,
            },
            RocPoint {
                fpr: 0.5,
                tpr: 0.5,
                threshold: 0.4,
            },
            RocPoint {
                fpr: 0.5,
                tpr: 1.0,
                threshold: 0.35,
            },
            RocPoint {
                fpr: 1.0,
                tpr: 1.0,
                threshold: 0.1,
            },
        ]
    }

    fn bins() -> Vec<ReliabilityBin> {
        vec![
            ReliabilityBin {
                lo: 0.0,
                hi: 0.1,
                count: 500,
                mean_predicted: 0.03,
                observed_rate: 0.02,
            },
            ReliabilityBin {
                lo: 0.4,
                hi: 0.5,
                count: 20,
                mean_predicted: 0.45,
                observed_rate: 0.6,
            },
            ReliabilityBin {
                lo: 0.9,
                hi: 1.0,
                count: 3,
                mean_predicted: 0.95,
                observed_rate: 1.0,
            },
        ]
    }

    #[test]
    fn xml_checker_rejects_broken_documents() {
        assert!(check_xml("<a><b/></a>").is_ok());
        assert!(check_xml("<a><b></a>").is_err());
        assert!(check_xml("<a>x & y</a>").is_err());
        assert!(check_xml("<a>x < y</a>").is_err());
        assert!(check_xml(r#"<a x="1" x="2"/>"#).is_err());
        assert!(check_xml(r#"<a x=1/>"#).is_err());
        assert!(check_xml("<a/><b/>").is_err());
        assert!(check_xml("<a>&amp;&#38;&#x26;</a>").is_ok());
    }

    #[test]
    fn pr_svg_is_well_formed_with_one_marker_per_point() {
        let svg = pr_curve_svg(&pr_points(), "PR", Some(0.5));
        let names = check_xml(&svg).unwrap();
        assert_eq!(names[0], "svg");
        assert!(
            svg.contains(r#"xmlns="http://www.w3.org/2000/svg""#)
                && svg.contains(r#"version="1.1""#)
        );
        assert_eq!(count(&svg, r#"class="pt""#), 4);
        assert_eq!(count(&svg, r#"class="curve""#), 1);
        // The step path has two vertices per point: (0,1) (0.5,1) (0.5,0.5) (0.5,0.5) ...
        let points = svg
            .split(r#"points=""#)
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap();
        assert_eq!(points.split(' ').count(), 8);
        // Baseline drawn and named in the key.
        assert!(svg.contains("random ranker (0.5)"));
        assert!(!pr_curve_svg(&pr_points(), "PR", None).contains("random ranker"));
        // Ticks every 0.2 on both axes (the 0.0 label appears on both).
        for t in ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"] {
            assert!(svg.contains(&format!(">{t}</text>")), "{t}");
        }
    }

    #[test]
    fn roc_svg_has_diagonal_auc_and_points() {
        let svg = roc_curve_svg(&roc_points(), "ROC", Some(0.75));
        check_xml(&svg).unwrap();
        assert_eq!(count(&svg, r#"class="pt""#), 5);
        assert!(svg.contains("AUC = 0.750"));
        // Chance diagonal from (0,0) to (1,1) in pixels: bottom-left to top-right.
        let (x0, y0, x1, y1) = (LEFT, TOP + PLOT, LEFT + PLOT, TOP);
        assert!(svg.contains(&format!(
            r#"x1="{x0:.2}" y1="{y0:.2}" x2="{x1:.2}" y2="{y1:.2}""#
        )));
        // The +∞ threshold of the first point is written as such, not as "inf".
        assert!(svg.contains("threshold +∞") && !svg.contains("inf"));
        assert!(!roc_curve_svg(&roc_points(), "ROC", None).contains("AUC"));
    }

    #[test]
    fn reliability_svg_has_points_and_histogram() {
        let svg = reliability_svg(&bins(), "Calibration");
        check_xml(&svg).unwrap();
        assert_eq!(count(&svg, r#"class="pt""#), 3);
        assert_eq!(count(&svg, r#"class="bar""#), 3);
        assert!(svg.contains("perfect calibration"));
        // Bigger bins get bigger points: r = 2.5 + 6.5·√(count/500).
        assert!(svg.contains(r#"r="9.00""#));
        assert!(svg.contains(&format!(
            r#"r="{:.2}""#,
            2.5 + 6.5 * (20.0f64 / 500.0).sqrt()
        )));
        // Counts annotated on the histogram.
        assert!(
            svg.contains(">500</text>") && svg.contains(">20</text>") && svg.contains(">3</text>")
        );
    }

    #[test]
    fn y_axis_is_not_inverted() {
        let p = Panel {
            left: 10.0,
            top: 20.0,
            width: 100.0,
            height: 200.0,
        };
        assert_eq!((p.x(0.0), p.x(1.0)), (10.0, 110.0));
        assert_eq!((p.y(0.0), p.y(1.0)), (220.0, 20.0));
        assert_eq!(p.y(2.0), 20.0);
    }

    #[test]
    fn titles_are_escaped() {
        let title = r#"Lures <script> & "quotes" 'too'"#;
        for svg in [
            pr_curve_svg(&pr_points(), title, None),
            roc_curve_svg(&roc_points(), title, None),
            reliability_svg(&bins(), title),
        ] {
            check_xml(&svg).unwrap();
            assert!(svg.contains("Lures &lt;script&gt; &amp; &quot;quotes&quot; &apos;too&apos;"));
            assert!(!svg.contains("<script"));
        }
        // Control characters, which XML 1.0 forbids, are dropped.
        let svg = roc_curve_svg(&roc_points(), "a\u{0}b\u{1b}c", None);
        check_xml(&svg).unwrap();
        assert!(svg.contains(">abc</text>"));
    }

    #[test]
    fn long_titles_shrink_then_are_cut() {
        assert_eq!(fit_title("short", 444.0), (TITLE_SIZE, "short".to_string()));
        // 60 chars: 444 / (0.65·60) = 11.4 → 11 px, whole.
        let t60 = "x".repeat(60);
        assert_eq!(fit_title(&t60, 444.0), (11.0, t60.clone()));
        // 160 chars: below 9 px, so cut to ⌊444 / (0.65·9)⌋ = 75 chars including the ellipsis.
        let (size, shown) = fit_title(&"y".repeat(160), 444.0);
        assert_eq!((size, shown.chars().count()), (9.0, 75));
        assert!(shown.ends_with('…'));
        // The full title is kept in the document's <title>.
        let long = "very long title ".repeat(10);
        let svg = roc_curve_svg(&roc_points(), &long, None);
        check_xml(&svg).unwrap();
        assert!(svg.contains(&format!("<title>{long}</title>")));
    }

    #[test]
    fn empty_and_non_finite_inputs_still_give_valid_svg() {
        for svg in [
            pr_curve_svg(&[], "", None),
            roc_curve_svg(&[], "", Some(f64::NAN)),
            reliability_svg(&[], ""),
        ] {
            check_xml(&svg).unwrap();
            assert_eq!(count(&svg, r#"class="pt""#), 0);
            assert!(!svg.contains("NaN") && !svg.contains("inf"));
        }
        let mut pts = pr_points();
        pts[1].precision = f64::NAN;
        let svg = pr_curve_svg(&pts, "t", Some(f64::NAN));
        check_xml(&svg).unwrap();
        assert_eq!(count(&svg, r#"class="pt""#), 3);
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn many_points_drop_markers_but_keep_the_curve() {
        let n = MAX_MARKERS + 1;
        let pts: Vec<RocPoint> = (0..n)
            .map(|i| RocPoint {
                fpr: i as f64 / n as f64,
                tpr: (i as f64 / n as f64).sqrt(),
                threshold: 0.0,
            })
            .collect();
        let svg = roc_curve_svg(&pts, "many", None);
        check_xml(&svg).unwrap();
        assert_eq!(count(&svg, r#"class="pt""#), 0);
        let points = svg
            .split(r#"points=""#)
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap();
        assert_eq!(points.split(' ').count(), n);
    }

    #[test]
    fn value_formatting() {
        assert_eq!(fmt_value(0.5), "0.5");
        assert_eq!(fmt_value(1.0), "1");
        assert_eq!(fmt_value(0.047999), "0.048");
        assert_eq!(fmt_value(-0.00001), "0");
        assert_eq!(fmt_value(f64::NEG_INFINITY), "−∞");
    }
}
