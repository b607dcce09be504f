//! The facts of a stored case: the values proposed from the OCR text of its scanned documents
//! and the documents found inside a multi-page scan (for the command line and the app), and
//! recording a reviewer's changes — typed values, accepted proposals, accepted splits and the
//! 卷内目录's merge/split/retype/reorder — as audited fact edits.

use serde_json::Value;

use crate::domain::case_facts::{self, FactOrigin, FactSource};
use crate::domain::{Case, Document};
use crate::facts::split::{FoundDocument, UNKNOWN, split_pages};
use crate::facts::{Proposal, ReadDocument, ReadPage, propose};
use crate::store::{FactEditOutcome, NewFactEdit, Project, ReviewerId, StoreError};

/// What the pages of one case propose.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseProposals {
    /// Facts with their sources.
    pub facts: Vec<Proposal>,
    /// For each scanned file of several pages, the documents found in it: (position of the
    /// document holding the file, what was found).
    pub splits: Vec<(usize, Vec<FoundDocument>)>,
    /// Documents whose pages are not read yet (positions).
    pub unread: Vec<usize>,
}

/// The proposals for case `number` from the OCR text stored for its files.
pub fn case_proposals(project: &Project, number: &str) -> Result<CaseProposals, StoreError> {
    proposals_of(project, &project.load_case_by_number(number)?)
}

/// The proposals for a case already loaded.
pub fn proposals_of(project: &Project, stored: &crate::store::StoredCase) -> Result<CaseProposals, StoreError> {
    let mut documents = Vec::with_capacity(stored.documents.len());
    let mut splits = Vec::new();
    let mut unread = Vec::new();
    for (position, doc) in stored.documents.iter().enumerate() {
        let mut pages = match &doc.file {
            Some((sha, _)) => project.ocr_pages(sha)?,
            None => Vec::new(),
        };
        // A document found in a shared scan reads only its own pages.
        pages.retain(|p| doc.holds_page(p.page));
        let bare_unread = doc.bare_pages.iter().any(|b| !pages.iter().any(|p| p.page == *b));
        if (pages.is_empty() && doc.is_scan()) || bare_unread {
            unread.push(position);
        }
        if pages.len() > 1 && doc.first_page.is_none() {
            let lines: Vec<Vec<String>> = pages
                .iter()
                .map(|p| p.lines.iter().map(|l| l.text.clone()).collect())
                .collect();
            let found = split_pages(&lines);
            if found.len() > 1 {
                splits.push((position, found));
            }
        }
        documents.push(ReadDocument {
            doc_type: doc.doc_type.clone(),
            pages: pages
                .into_iter()
                .map(|p| ReadPage {
                    page: p.page,
                    lines: p.lines,
                })
                .collect(),
        });
    }
    Ok(CaseProposals {
        facts: propose(&documents),
        splits,
        unread,
    })
}

/// Records values typed for case `number` (fact path, text as typed), parsed against the case
/// as it stands; `anchor` ties them to a page. One transaction; a value that does not parse
/// refuses the batch and names the fact.
pub fn set_facts(
    project: &mut Project,
    number: &str,
    reviewer_id: ReviewerId,
    changes: &[(String, String)],
    anchor: Option<FactSource>,
) -> Result<Vec<FactEditOutcome>, StoreError> {
    let case = project.load_case_by_number(number)?.case;
    let edits = changes
        .iter()
        .map(|(path, text)| {
            let value = case_facts::parse(&case, path, text).map_err(|e| StoreError::Refused(e.to_string()))?;
            Ok(NewFactEdit {
                path: path.trim().to_string(),
                value,
                origin: FactOrigin::Typed,
                source: anchor.clone(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    project.edit_facts(number, reviewer_id, &edits)
}

/// The changes that accept `proposals`: one per fact. Proposals of a list fact (the bases a
/// decision cites, the officers) make one list; of any other fact, the first one counts.
pub fn proposal_edits(
    case: &Case,
    proposals: &[&Proposal],
    origin: FactOrigin,
) -> Result<Vec<NewFactEdit>, StoreError> {
    let mut fields: Vec<&str> = Vec::new();
    for p in proposals {
        if !fields.contains(&p.field.as_str()) {
            fields.push(&p.field);
        }
    }
    fields
        .into_iter()
        .map(|field| {
            let of_field: Vec<&&Proposal> = proposals.iter().filter(|p| p.field == field).collect();
            let kind = case_facts::field(case, field)
                .map_err(|e| StoreError::Refused(e.to_string()))?
                .kind;
            let text = match kind {
                case_facts::FactKind::List | case_facts::FactKind::Officers => {
                    let mut values: Vec<&str> = Vec::new();
                    for p in &of_field {
                        if !values.contains(&p.value.as_str()) {
                            values.push(&p.value);
                        }
                    }
                    values.join("；")
                }
                _ => of_field[0].value.clone(),
            };
            let value = case_facts::parse(case, field, &text).map_err(|e| StoreError::Refused(e.to_string()))?;
            Ok(NewFactEdit {
                path: field.to_string(),
                value,
                origin,
                source: Some(of_field[0].source.clone()),
            })
        })
        .collect()
}

/// Accepts the proposals of case `number` for `fields` (every proposed fact when `None`),
/// by reviewer `reviewer_id`. Returns how many facts changed.
pub fn accept_proposals(
    project: &mut Project,
    number: &str,
    reviewer_id: ReviewerId,
    fields: Option<&[String]>,
) -> Result<usize, StoreError> {
    let case = project.load_case_by_number(number)?.case;
    let proposals = case_proposals(project, number)?;
    let chosen: Vec<&Proposal> = proposals
        .facts
        .iter()
        .filter(|p| fields.is_none_or(|f| f.contains(&p.field)))
        .collect();
    let edits = proposal_edits(&case, &chosen, FactOrigin::Proposal)?;
    let outcomes = project.edit_facts(number, reviewer_id, &edits)?;
    Ok(outcomes
        .iter()
        .filter(|o| matches!(o, FactEditOutcome::Recorded { .. }))
        .count())
}

/// The page count of the file of document `index` of a stored case (1 when unknown).
fn file_pages(project: &Project, number: &str, index: usize) -> Result<u32, StoreError> {
    let stored = project.load_case_by_number(number)?;
    Ok(stored.documents.get(index).and_then(|d| d.file_pages).unwrap_or(1))
}

/// A change to the documents themselves, from the 卷内目录 view or an accepted split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentChange {
    /// The document found in a scan accepted: document `index` (0-based) becomes the documents
    /// found in its file.
    AcceptSplit {
        /// The document holding the scan.
        index: usize,
        /// What was found in it.
        found: Vec<FoundDocument>,
    },
    /// Document `index` split before page `at` of its file; the new part has type `doc_type`.
    Split {
        /// The document.
        index: usize,
        /// The first page of the new part.
        at: u32,
        /// Its type.
        doc_type: String,
    },
    /// Document `index` and the next made one.
    Merge {
        /// The first of the two.
        index: usize,
    },
    /// Document `from` moved to position `to`.
    Move {
        /// Where it is.
        from: usize,
        /// Where it goes.
        to: usize,
    },
}

/// Records a change to the documents of case `number` (audited like any fact).
pub fn change_documents(
    project: &mut Project,
    number: &str,
    reviewer_id: ReviewerId,
    change: &DocumentChange,
) -> Result<FactEditOutcome, StoreError> {
    let refused = |e: case_facts::FactError| StoreError::Refused(format!("案卷 {number}：{e}"));
    let case = project.load_case_by_number(number)?.case;
    let docs = &case.documents;
    let (documents, origin, source) = match change {
        DocumentChange::AcceptSplit { index, found } => {
            let doc = docs
                .get(*index)
                .ok_or_else(|| refused(case_facts::FactError::UnknownPath(format!("documents[{}]", index + 1))))?;
            let parts = found.iter().map(|f| Document {
                doc_type: if f.doc_type == UNKNOWN {
                    "未识别".into()
                } else {
                    f.doc_type.clone()
                },
                file: doc.file.clone(),
                first_page: u32::try_from(f.first_page).ok(),
                pages: u32::try_from(f.last_page + 1 - f.first_page.min(f.last_page)).ok(),
                ..Document::default()
            });
            let mut out: Vec<Document> = docs[..*index].to_vec();
            out.extend(parts);
            out.extend_from_slice(&docs[index + 1..]);
            let source = FactSource {
                document: index + 1,
                page: 1,
                line: None,
                text: None,
                confidence: None,
                quad: None,
            };
            (out, FactOrigin::Proposal, Some(source))
        }
        DocumentChange::Split { index, at, doc_type } => {
            let pages = file_pages(project, number, *index)?;
            (
                case_facts::split_document(docs, *index, *at, doc_type, pages).map_err(refused)?,
                FactOrigin::Typed,
                None,
            )
        }
        DocumentChange::Merge { index } => {
            let pages = file_pages(project, number, *index)?;
            (
                case_facts::merge_documents(docs, *index, pages).map_err(refused)?,
                FactOrigin::Typed,
                None,
            )
        }
        DocumentChange::Move { from, to } => (
            case_facts::move_document(docs, *from, *to).map_err(refused)?,
            FactOrigin::Typed,
            None,
        ),
    };
    let edit = NewFactEdit {
        path: "documents".into(),
        value: case_facts::documents_value(&documents),
        origin,
        source,
    };
    Ok(project
        .edit_facts(number, reviewer_id, &[edit])?
        .pop()
        .unwrap_or(FactEditOutcome::Unchanged))
}

/// Puts fact `path` of case `number` back to the value it was imported with.
pub fn restore_fact(
    project: &mut Project,
    number: &str,
    reviewer_id: ReviewerId,
    path: &str,
) -> Result<FactEditOutcome, StoreError> {
    let stored = project.load_case_by_number(number)?;
    let value: Value = case_facts::get(&stored.imported, path).map_err(|e| StoreError::Refused(e.to_string()))?;
    let edit = NewFactEdit {
        path: path.to_string(),
        value,
        origin: FactOrigin::Restored,
        source: None,
    };
    Ok(project
        .edit_facts(number, reviewer_id, &[edit])?
        .pop()
        .unwrap_or(FactEditOutcome::Unchanged))
}

/// A change to the facts of a case, as the app and the command line ask for it.
#[derive(Debug, Clone, PartialEq)]
pub enum FactChange {
    /// A value typed for a fact (text as typed; empty clears an optional fact).
    Set {
        /// The fact.
        path: String,
        /// The text.
        text: String,
    },
    /// Accept the proposals for these facts (all proposed facts when `None`).
    Accept(Option<Vec<String>>),
    /// Rearrange the documents.
    Documents(DocumentChange),
    /// Put a fact back to its imported value.
    Restore(String),
    /// Tie a fact's value to a page of the case file (like an evidence anchor).
    Anchor {
        /// The fact.
        path: String,
        /// The document, 1-based.
        document: usize,
        /// Page of its file.
        page: u32,
    },
}

/// Records `change` to the facts of case `number` by reviewer `reviewer_id`. Returns how many
/// facts changed (0: the values were already so).
pub fn apply_change(
    project: &mut Project,
    number: &str,
    reviewer_id: ReviewerId,
    change: &FactChange,
) -> Result<usize, StoreError> {
    let recorded = |o: &FactEditOutcome| matches!(o, FactEditOutcome::Recorded { .. });
    Ok(match change {
        FactChange::Set { path, text } => {
            set_facts(project, number, reviewer_id, &[(path.clone(), text.clone())], None)?
                .iter()
                .filter(|o| recorded(o))
                .count()
        }
        FactChange::Accept(fields) => accept_proposals(project, number, reviewer_id, fields.as_deref())?,
        FactChange::Documents(c) => usize::from(recorded(&change_documents(project, number, reviewer_id, c)?)),
        FactChange::Restore(path) => usize::from(recorded(&restore_fact(project, number, reviewer_id, path)?)),
        FactChange::Anchor { path, document, page } => {
            let case = project.load_case_by_number(number)?.case;
            let value = case_facts::get(&case, path).map_err(|e| StoreError::Refused(e.to_string()))?;
            let edit = NewFactEdit {
                path: path.clone(),
                value,
                origin: FactOrigin::Anchored,
                source: Some(FactSource {
                    document: *document,
                    page: *page,
                    line: None,
                    text: None,
                    confidence: None,
                    quad: None,
                }),
            };
            project
                .edit_facts(number, reviewer_id, &[edit])?
                .iter()
                .filter(|o| recorded(o))
                .count()
        }
    })
}

/// Project setting: values read from scans with at least this confidence (and no doubt) are
/// accepted without a person, into facts the case leaves blank. Absent: nothing is accepted
/// automatically.
pub const AUTO_ACCEPT_KEY: &str = "facts_auto_accept";

/// The confidences the automatic acceptance may be set to: below 0.8 a recognised value is
/// too often wrong to enter a case without a person (both fronts refuse it).
pub const AUTO_ACCEPT_RANGE: std::ops::RangeInclusive<f32> = 0.8..=1.0;

/// The confidence offered when the automatic acceptance is turned on.
pub const AUTO_ACCEPT_SUGGESTED: f32 = 0.95;

/// The reviewer automatic acceptances are recorded under (the audit names the setting).
pub const AUTO_ACCEPT_REVIEWER: (&str, &str) = ("自动采纳", "评查程序（按项目设置）");

/// Accepts, under the project's setting, the values read from the scans of case `number` that
/// are sure enough: no doubt, confidence at or above the setting, for a fact the case leaves
/// blank (a stated value is never replaced without a person). Returns how many facts were
/// filled (0 without the setting).
pub fn auto_accept(project: &mut Project, number: &str) -> Result<usize, StoreError> {
    let Some(threshold) = project.setting::<Option<f32>>(AUTO_ACCEPT_KEY)?.flatten() else {
        return Ok(0);
    };
    let case = project.load_case_by_number(number)?.case;
    let proposals = case_proposals(project, number)?;
    let blank = |field: &str| {
        case_facts::get(&case, field).is_ok_and(|v| match &v {
            Value::Null => true,
            Value::Array(items) => items.is_empty(),
            Value::String(s) => s.trim().is_empty(),
            _ => false,
        })
    };
    let chosen: Vec<&Proposal> = proposals
        .facts
        .iter()
        .filter(|p| p.doubt.is_none() && p.source.confidence.unwrap_or(0.0) >= threshold && blank(&p.field))
        .collect();
    if chosen.is_empty() {
        return Ok(0);
    }
    let edits = proposal_edits(&case, &chosen, FactOrigin::Automatic)?;
    let (name, unit) = AUTO_ACCEPT_REVIEWER;
    let reviewer = project.reviewer(name, unit)?;
    Ok(project
        .edit_facts(number, reviewer.id, &edits)?
        .iter()
        .filter(|o| matches!(o, FactEditOutcome::Recorded { .. }))
        .count())
}
