//! The facts proposed for a stored case from the OCR text of its scanned documents, and the
//! documents found inside a multi-page scan — gathered from the project for the command line
//! and the app. Proposals only: nothing here changes the case.

use crate::facts::split::{FoundDocument, split_pages};
use crate::facts::{Proposal, ReadDocument, ReadPage, propose};
use crate::store::{Project, StoreError};

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
    let stored = project.load_case_by_number(number)?;
    let mut documents = Vec::with_capacity(stored.documents.len());
    let mut splits = Vec::new();
    let mut unread = Vec::new();
    for (position, doc) in stored.documents.iter().enumerate() {
        let pages = match &doc.file {
            Some((sha, _)) => project.ocr_pages(sha)?,
            None => Vec::new(),
        };
        let bare_unread = doc.bare_pages.iter().any(|b| !pages.iter().any(|p| p.page == *b));
        if (pages.is_empty() && doc.is_scan()) || bare_unread {
            unread.push(position);
        }
        if pages.len() > 1 {
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
