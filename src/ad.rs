//! The input record: one job advert, either with EMSCAD-style fields or as a single
//! free text. This stage only holds what was read; it does not interpret it.

use serde::Serialize;

/// A text field of an advert. Evidence spans are byte offsets into one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    /// The single free text of an advert that has no separate fields.
    Text,
    /// Job title.
    Title,
    /// Location ("CC, REGION, City").
    Location,
    /// Salary range as written.
    SalaryRange,
    /// Company profile.
    CompanyProfile,
    /// Job description.
    Description,
    /// Requirements.
    Requirements,
    /// Benefits.
    Benefits,
}

impl TextField {
    /// Every text field, in the order adverts are read.
    pub const ALL: [TextField; 8] = [
        TextField::Text,
        TextField::Title,
        TextField::Location,
        TextField::SalaryRange,
        TextField::CompanyProfile,
        TextField::Description,
        TextField::Requirements,
        TextField::Benefits,
    ];

    /// The column name (as in EMSCAD; `text` for free text).
    pub fn name(self) -> &'static str {
        match self {
            TextField::Text => "text",
            TextField::Title => "title",
            TextField::Location => "location",
            TextField::SalaryRange => "salary_range",
            TextField::CompanyProfile => "company_profile",
            TextField::Description => "description",
            TextField::Requirements => "requirements",
            TextField::Benefits => "benefits",
        }
    }

    /// Parses a column name.
    pub fn from_name(name: &str) -> Option<TextField> {
        TextField::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// A metadata column of EMSCAD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaColumn {
    /// `telecommuting`
    Telecommuting,
    /// `has_company_logo`
    HasCompanyLogo,
    /// `has_questions`
    HasQuestions,
    /// `employment_type`
    EmploymentType,
    /// `required_experience`
    RequiredExperience,
    /// `required_education`
    RequiredEducation,
    /// `industry`
    Industry,
    /// `function`
    Function,
    /// `department`
    Department,
}

impl MetaColumn {
    /// Parses a column name.
    pub fn from_name(name: &str) -> Option<MetaColumn> {
        Some(match name {
            "telecommuting" => MetaColumn::Telecommuting,
            "has_company_logo" => MetaColumn::HasCompanyLogo,
            "has_questions" => MetaColumn::HasQuestions,
            "employment_type" => MetaColumn::EmploymentType,
            "required_experience" => MetaColumn::RequiredExperience,
            "required_education" => MetaColumn::RequiredEducation,
            "industry" => MetaColumn::Industry,
            "function" => MetaColumn::Function,
            "department" => MetaColumn::Department,
            _ => return None,
        })
    }
}

/// The columns an advert's source had, whether or not this record filled them: an empty
/// `company_profile` in an EMSCAD-style export says "no profile", a file without that
/// column says nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Columns(u32);

impl Columns {
    /// Notes a text column.
    pub fn add_field(&mut self, field: TextField) {
        self.0 |= 1 << field as u32;
    }

    /// Whether the source had this text column.
    pub fn has_field(self, field: TextField) -> bool {
        self.0 & (1 << field as u32) != 0
    }

    /// Notes a metadata column.
    pub fn add_meta(&mut self, column: MetaColumn) {
        self.0 |= 1 << (16 + column as u32);
    }

    /// Whether the source had this metadata column.
    pub fn has_meta(self, column: MetaColumn) -> bool {
        self.0 & (1 << (16 + column as u32)) != 0
    }
}

/// The fields that make an advert structured (EMSCAD-style) when its source has one of
/// them as a column: an export with these is read field by field, and what it leaves
/// empty means something.
pub const BODY_FIELDS: [TextField; 4] = [
    TextField::CompanyProfile,
    TextField::Description,
    TextField::Requirements,
    TextField::Benefits,
];

/// EMSCAD's metadata, each `None` when the input does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AdMetadata {
    /// Whether the advert allows working remotely.
    pub telecommuting: Option<bool>,
    /// Whether the employer shows a logo.
    pub has_company_logo: Option<bool>,
    /// Whether the application asks screening questions.
    pub has_questions: Option<bool>,
    /// Full-time, Part-time, Contract, ...
    pub employment_type: Option<String>,
    /// Entry level, Mid-Senior level, ...
    pub required_experience: Option<String>,
    /// High School or equivalent, Bachelor's Degree, ...
    pub required_education: Option<String>,
    /// Industry as given.
    pub industry: Option<String>,
    /// Job function as given.
    pub function: Option<String>,
    /// Department as given.
    pub department: Option<String>,
}

/// One job advert.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ad {
    /// The record's id (from `job_id`/`id`, or the record number).
    pub id: String,
    /// The text of each field, indexed by [`TextField`] (in [`TextField::ALL`] order);
    /// empty when absent. A slot per field, not a list of those present, so that a
    /// cleared advert keeps its allocations for the next record (see [`Ad::clear`]).
    texts: [String; TextField::ALL.len()],
    /// Metadata, where known.
    pub meta: AdMetadata,
    /// The columns the source had (see [`Columns`]).
    #[serde(skip)]
    pub columns: Columns,
}

impl Ad {
    /// An advert that is one free text (as pasted into `check`).
    pub fn from_text(id: impl Into<String>, text: impl Into<String>) -> Self {
        let mut ad = Ad {
            id: id.into(),
            ..Ad::default()
        };
        ad.set_field(TextField::Text, text);
        ad
    }

    /// An empty advert with an id, to be filled with [`Ad::set_field`].
    pub fn with_id(id: impl Into<String>) -> Self {
        Ad {
            id: id.into(),
            ..Ad::default()
        }
    }

    /// Sets (or replaces) a text field. Empty text removes the field.
    pub fn set_field(&mut self, field: TextField, text: impl Into<String>) {
        let text = text.into();
        self.columns.add_field(field);
        let slot = &mut self.texts[field as usize];
        if text.trim_start().is_empty() {
            slot.clear();
        } else {
            *slot = text;
        }
    }

    /// As [`Ad::set_field`], copying into the field's allocation (a reader filling a
    /// cleared advert allocates nothing when the text fits).
    pub fn set_field_str(&mut self, field: TextField, text: &str) {
        self.columns.add_field(field);
        let slot = &mut self.texts[field as usize];
        slot.clear();
        if text.trim_start().is_empty() {
            return;
        }
        if slot.capacity() >= text.len() {
            slot.push_str(text);
        } else {
            // A fresh allocation: growing would copy the old one's stale bytes.
            *slot = text.to_owned();
        }
    }

    /// Empties the advert for reuse: no id, text, metadata or columns, but the text
    /// fields' allocations kept, unless one is over `max_keep` bytes (so one huge advert
    /// does not pin its memory for the rest of a feed). Bulk scoring moves the id out
    /// with the outcome, so there is no id allocation to keep.
    pub fn clear(&mut self, max_keep: usize) {
        self.id.clear();
        for s in &mut self.texts {
            if s.capacity() > max_keep {
                *s = String::new();
            } else {
                s.clear();
            }
        }
        self.meta = AdMetadata::default();
        self.columns = Columns::default();
    }

    /// The text of a field, if present.
    pub fn field(&self, field: TextField) -> Option<&str> {
        let text = &self.texts[field as usize];
        (!text.is_empty()).then_some(text.as_str())
    }

    /// The text fields present, in order.
    pub fn fields(&self) -> impl Iterator<Item = (TextField, &str)> {
        let all = TextField::ALL.iter().zip(&self.texts);
        all.filter(|(_, t)| !t.is_empty())
            .map(|(f, t)| (*f, t.as_str()))
    }

    /// Total bytes of text in the advert.
    pub fn text_len(&self) -> usize {
        self.texts.iter().map(String::len).sum()
    }

    /// Whether the advert has any text at all.
    pub fn is_empty(&self) -> bool {
        self.texts.iter().all(String::is_empty)
    }

    /// Whether the advert came EMSCAD-style, its body in separate columns (company
    /// profile, description, requirements or benefits), rather than as one free text
    /// (with or without a title).
    pub fn has_structured_fields(&self) -> bool {
        BODY_FIELDS.iter().any(|&f| self.columns.has_field(f))
    }

    /// Whether a structured advert leaves empty a field its source has a column for.
    pub fn lacks_field(&self, field: TextField) -> bool {
        self.has_structured_fields() && self.columns.has_field(field) && self.field(field).is_none()
    }

    /// Whether a structured advert leaves empty a metadata column its source has.
    pub fn lacks_meta(&self, column: MetaColumn, value: Option<&str>) -> bool {
        self.has_structured_fields()
            && self.columns.has_meta(column)
            && value.is_none_or(|v| v.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_stay_ordered_and_unique() {
        let mut ad = Ad::with_id("1");
        ad.set_field(TextField::Description, "d");
        ad.set_field(TextField::Title, "t");
        ad.set_field(TextField::Title, "t2");
        ad.set_field(TextField::Benefits, "  ");
        let got: Vec<_> = ad.fields().collect();
        assert_eq!(
            got,
            vec![(TextField::Title, "t2"), (TextField::Description, "d")]
        );
        assert!(ad.has_structured_fields());
        assert_eq!(ad.text_len(), 3);
        assert!(
            ad.columns.has_field(TextField::Benefits),
            "an empty column is a column"
        );
        assert!(ad.lacks_field(TextField::Benefits));
        assert!(!ad.lacks_field(TextField::CompanyProfile), "no such column");
    }

    #[test]
    fn a_title_and_a_text_are_not_structured() {
        let mut ad = Ad::from_text("1", "Work abroad, high salary");
        assert!(!ad.has_structured_fields());
        ad.set_field(TextField::Title, "Customer service");
        assert!(!ad.has_structured_fields());
        assert!(!ad.lacks_field(TextField::CompanyProfile));
        ad.set_field(TextField::Description, "");
        assert!(ad.has_structured_fields());
        assert!(
            !ad.lacks_meta(MetaColumn::Industry, None),
            "no industry column"
        );
        ad.columns.add_meta(MetaColumn::Industry);
        assert!(ad.lacks_meta(MetaColumn::Industry, Some(" ")));
        assert!(!ad.lacks_meta(MetaColumn::Industry, Some("Banking")));
    }

    #[test]
    fn a_cleared_advert_is_empty_and_keeps_small_allocations() {
        let mut ad = Ad::from_text("7", "short");
        ad.set_field_str(TextField::Description, &"x".repeat(100));
        ad.meta.industry = Some("Banking".into());
        ad.clear(64);
        assert_eq!(ad, Ad::default());
        assert!(ad.texts[TextField::Text as usize].capacity() >= 5);
        assert_eq!(ad.texts[TextField::Description as usize].capacity(), 0);
        ad.set_field_str(TextField::Title, " ");
        assert!(ad.is_empty() && ad.columns.has_field(TextField::Title));
    }

    #[test]
    fn field_names_round_trip() {
        for f in TextField::ALL {
            assert_eq!(TextField::from_name(f.name()), Some(f));
            assert_eq!(TextField::ALL[f as usize], f, "texts are indexed by field");
        }
    }
}
