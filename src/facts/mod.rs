//! Facts of a case proposed from the OCR text of its scanned 文书: the 案号, each document's
//! date, the fine (大写 and 小写 must agree), the party's identity number (check character
//! verified), officers with their 执法证号, the legal bases a decision cites, and whether the
//! 告知书 offers a hearing. Each proposal keeps its source — document, page, line, the text read
//! and the OCR confidence — and says when it is doubtful (low confidence, a failed check, words
//! and figures that disagree). Nothing here changes a case: a person accepts a proposal.
//!
//! Owns: reading facts from lines (`read`), finding documents in a scan (`split`), and turning
//! a case's recognised pages into proposals. Pure: must not use `rusqlite`, `egui`, files or
//! the layers above.

pub mod read;
pub mod split;

use serde::Serialize;

use crate::ocr::OcrLine;
use read::PartyId;

/// Where a proposed value was read (document 1-based, page, line, text, confidence, box).
pub use crate::domain::case_facts::FactSource as Source;

/// A value proposed for a field of the case model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// The fact, as `domain::case_facts` and `pingcha facts --set` name it: `documents[3].date`,
    /// `documents[3].number`, `decision.fine`, `party.name`, `party.id_number`, `officers`,
    /// `decision.legal_basis`, `decision.hearing_offered` (documents 1-based).
    pub field: String,
    /// The value, as text (dates ISO, amounts in yuan).
    pub value: String,
    /// Where it was read.
    pub source: Source,
    /// Why it needs a careful look, when it does.
    pub doubt: Option<String>,
}

impl Proposal {
    /// The field in Chinese, for the case view and the command line.
    pub fn label(&self) -> String {
        crate::domain::case_facts::path_label(&self.field).unwrap_or_else(|| self.field.clone())
    }

    /// The value as a reader writes it (amounts in 元, yes/no in Chinese).
    pub fn display_value(&self) -> String {
        match (self.field.as_str(), self.value.as_str()) {
            ("decision.fine", v) => format!("{v} 元"),
            ("decision.hearing_offered", "true") => "已告知".into(),
            ("decision.hearing_offered", _) => "未告知".into(),
            (_, v) => v.to_string(),
        }
    }
}

/// One page of a document as read.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadPage {
    /// Page of the document's file, 1-based.
    pub page: u32,
    /// Lines in reading order.
    pub lines: Vec<OcrLine>,
}

/// One document of the case with its recognised pages.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadDocument {
    /// 文书类型.
    pub doc_type: String,
    /// Its pages as read (any order).
    pub pages: Vec<ReadPage>,
}

/// The source of line `line` of a page of the document at position `index` (0-based).
fn source(index: usize, page: &ReadPage, line: usize) -> Source {
    let l = &page.lines[line];
    Source {
        document: index + 1,
        page: page.page,
        line: Some(line),
        text: Some(l.text.clone()),
        confidence: Some(l.confidence),
        quad: Some(l.quad),
    }
}

fn low_confidence(source: &Source) -> Option<String> {
    let confidence = source.confidence.unwrap_or(1.0);
    (confidence < crate::ocr::LOW_CONFIDENCE).then(|| format!("识别存疑（置信度 {confidence:.2}）"))
}

/// Lines of a document in page order: (page, line index, line).
fn lines_of(doc: &ReadDocument) -> Vec<(&ReadPage, usize)> {
    let mut pages: Vec<&ReadPage> = doc.pages.iter().collect();
    pages.sort_by_key(|p| p.page);
    pages
        .into_iter()
        .flat_map(|p| (0..p.lines.len()).map(move |i| (p, i)))
        .collect()
}

/// A document's lines run together (a sentence or a date may wrap), with the page and line
/// each character was read on.
struct Joined<'a> {
    text: String,
    /// `text` as characters (positions below are in characters).
    chars: Vec<char>,
    /// Per character: (page, line) it came from, and whether it ends its line.
    at: Vec<(&'a ReadPage, usize, bool)>,
}

impl<'a> Joined<'a> {
    fn new(lines: &[(&'a ReadPage, usize)]) -> Self {
        let mut text = String::new();
        let mut at = Vec::new();
        for &(page, i) in lines {
            let line = page.lines[i].text.trim();
            let count = line.chars().count();
            // Figures ending one line and starting the next are two numbers, not one.
            if text.ends_with(|c: char| c.is_ascii_digit()) && line.starts_with(|c: char| c.is_ascii_digit()) {
                text.push(' ');
                at.push((page, i, false));
            }
            text.push_str(line);
            at.extend((0..count).map(|k| (page, i, k + 1 == count)));
        }
        let chars = text.chars().collect();
        Self { text, chars, at }
    }

    /// Whether only punctuation (or a time of day) follows character `end` (exclusive) to the
    /// end of its line. Looks no further than that line: linear in the line, not the document.
    fn ends_line(&self, end: usize) -> bool {
        if end == 0 || end > self.chars.len() {
            return false;
        }
        if self.at[end - 1].2 {
            return true;
        }
        let last = (end..self.chars.len())
            .find(|&k| self.at[k].2)
            .unwrap_or(self.chars.len() - 1);
        self.chars[end..=last]
            .iter()
            .all(|c| c.is_whitespace() || c.is_ascii_digit() || "。.，,）)】]（(印章盖时分点:：至".contains(*c))
    }
}

/// Where a document's own date is: the 签收/送达 line of a 送达回执, the 时间 line of a 笔录,
/// else the last date that closes a line — the date at the foot of 决定书 and 告知书, or after
/// an approval (`同意结案。二〇二三年三月十八日`, read across the wrap). A date inside a
/// sentence (`已于…缴纳罚款`, `…检查中发现`) is about something else: no date is proposed
/// rather than a wrong one.
fn document_date(index: usize, doc: &ReadDocument) -> Option<Proposal> {
    let lines = lines_of(doc);
    // The labelled date: on the label's line, or in the next cell of the form.
    let keyed = |keys: &[&str]| {
        lines.iter().enumerate().find_map(|(k, (page, i))| {
            let text = &page.lines[*i].text;
            if !keys.iter().any(|key| text.contains(key)) {
                return None;
            }
            read::dates(text).first().map(|d| (d.value, *page, *i)).or_else(|| {
                let (next_page, j) = lines.get(k + 1)?;
                read::dates(&next_page.lines[*j].text)
                    .first()
                    .map(|d| (d.value, *next_page, *j))
            })
        })
    };
    let found = match doc.doc_type.as_str() {
        "送达回执" => keyed(&["签收", "送达时间", "送达日期"]),
        t if t.ends_with("笔录") => keyed(&["时间"]),
        _ => None,
    }
    .or_else(|| {
        let joined = Joined::new(&lines);
        read::dates(&joined.text)
            .into_iter()
            .rev()
            .find(|d| joined.ends_line(d.end))
            .map(|d| {
                let (page, line, _) = joined.at[d.start];
                (d.value, page, line)
            })
    })?;
    let (date, page, line) = found;
    let source = source(index, page, line);
    Some(Proposal {
        field: format!("documents[{}].date", index + 1),
        value: date.to_string(),
        doubt: low_confidence(&source),
        source,
    })
}

/// The articles a decision cites, sorted by what the sentence does with them: the clause
/// that says the party 违反 an article gives `decision.violated`; the clause 依据/根据 of a
/// sentence that imposes the penalty (决定, 给予, 处以) gives `decision.legal_basis`. Other
/// citations — the 加处罚款 warning of 行政处罚法第七十二条, the remedies — are neither.
fn cited_bases(index: usize, lines: &[(&ReadPage, usize)]) -> Vec<Proposal> {
    let joined = Joined::new(lines);
    let chars = &joined.chars;
    let mut out = Vec::new();
    let mut start = 0;
    for end in (0..=chars.len()).filter(|&k| k == chars.len() || chars[k] == '。') {
        let sentence: String = chars[start..end].iter().collect();
        for basis in read::legal_bases(&sentence) {
            // 依据…的规定，决定给予…: the penalty follows the citation it rests on.
            let after: String = sentence.chars().skip(basis.end).collect();
            let imposes = ["决定", "给予", "处以"].iter().any(|w| after.contains(w));
            let before: String = sentence.chars().take(basis.start).collect();
            let clause = before.rsplit(['，', ',', '；', ';']).next().unwrap_or_default();
            let field = if clause.contains("违反") {
                "decision.violated"
            } else if imposes && (clause.contains("依据") || clause.contains("根据")) {
                "decision.legal_basis"
            } else {
                continue;
            };
            let (page, line, _) = joined.at[start + basis.start];
            let source = source(index, page, line);
            out.push(Proposal {
                field: field.into(),
                value: basis.value,
                doubt: low_confidence(&source),
                source,
            });
        }
        start = end + 1;
    }
    out
}

/// The fine of a decision: amounts in words and figures in the sentence that imposes it
/// (the line with 罚款 and the next, where the sentence wraps), which must agree.
fn fine(index: usize, doc: &ReadDocument) -> Option<Proposal> {
    let lines = lines_of(doc);
    for (k, &(page, i)) in lines.iter().enumerate() {
        let text = &page.lines[i].text;
        if !text.contains("罚款") {
            continue;
        }
        let mut sentence = text.clone();
        if let Some((next_page, j)) = lines.get(k + 1) {
            sentence.push_str(&next_page.lines[*j].text);
        }
        let amounts = read::amounts(&sentence);
        let words = amounts.iter().find(|a| a.value.1).map(|a| a.value.0);
        let figures = amounts.iter().find(|a| !a.value.1).map(|a| a.value.0);
        let value = match (words, figures) {
            (Some(w), _) => w,
            (None, Some(f)) => f,
            (None, None) => continue,
        };
        let source = source(index, page, i);
        let doubt = match (words, figures) {
            (Some(w), Some(f)) if w != f => Some(format!("大写金额 {w} 元与小写金额 {f} 元不一致")),
            _ => low_confidence(&source),
        };
        return Some(Proposal {
            field: "decision.fine".into(),
            value: value.to_string(),
            source,
            doubt,
        });
    }
    None
}

/// The value of a form row `label：value` — on the line after the colon, or the next line
/// when the form puts the value in its own cell.
fn labelled<'a>(lines: &[(&'a ReadPage, usize)], label: &str) -> Option<(String, &'a ReadPage, usize)> {
    for (k, (page, i)) in lines.iter().enumerate() {
        let text: String = page.lines[*i].text.chars().filter(|c| !c.is_whitespace()).collect();
        let Some(rest) = text.strip_prefix(label) else { continue };
        let rest = rest.trim_start_matches(['：', ':']);
        if !rest.is_empty() {
            return Some((rest.to_string(), page, *i));
        }
        if let Some((next_page, j)) = lines.get(k + 1) {
            let value = next_page.lines[*j].text.trim().to_string();
            if !value.is_empty() && !value.contains('：') {
                return Some((value, next_page, *j));
            }
        }
    }
    None
}

/// Every proposal for a case from its documents' recognised pages.
pub fn propose(documents: &[ReadDocument]) -> Vec<Proposal> {
    let mut out = Vec::new();
    let mut party_seen = false;
    for (index, doc) in documents.iter().enumerate() {
        let lines = lines_of(doc);
        // 文号 of the document (the first one on it); the decision's is the case's number.
        if let Some((page, i, number)) = lines.iter().find_map(|(p, i)| {
            read::case_numbers(&p.lines[*i].text)
                .into_iter()
                .next()
                .map(|f| (*p, *i, f.value))
        }) {
            let source = source(index, page, i);
            out.push(Proposal {
                field: format!("documents[{}].number", index + 1),
                value: number,
                doubt: low_confidence(&source),
                source,
            });
        }
        if let Some(p) = document_date(index, doc) {
            out.push(p);
        }
        if doc.doc_type == "行政处罚决定书" {
            out.extend(fine(index, doc));
            out.extend(cited_bases(index, &lines));
        }
        if doc.doc_type == "行政处罚告知书" {
            let text: String = lines.iter().map(|(p, i)| p.lines[*i].text.as_str()).collect();
            if let (Some(offered), Some((page, i))) = (read::hearing_offered(&text), lines.first()) {
                let at = lines
                    .iter()
                    .find(|(p, i)| p.lines[*i].text.contains("听证"))
                    .copied()
                    .unwrap_or((*page, *i));
                let source = source(index, at.0, at.1);
                out.push(Proposal {
                    field: "decision.hearing_offered".into(),
                    value: offered.to_string(),
                    doubt: low_confidence(&source),
                    source,
                });
            }
        }
        if !party_seen && let Some((name, page, i)) = labelled(&lines, "当事人") {
            party_seen = true;
            let source = source(index, page, i);
            out.push(Proposal {
                field: "party.name".into(),
                value: name,
                doubt: low_confidence(&source),
                source,
            });
        }
        for (page, i) in &lines {
            let text = &page.lines[*i].text;
            for id in read::party_ids(text) {
                let source = source(index, page, *i);
                let (value, doubt) = match id.value {
                    PartyId::CreditCode(v) | PartyId::IdNumber(v) => (v, low_confidence(&source)),
                    PartyId::Unchecked(v) => (v, Some("校验位不符：号码有误或识别有误".to_string())),
                };
                out.push(Proposal {
                    field: "party.id_number".into(),
                    value,
                    source,
                    doubt,
                });
            }
            for officer in read::officers(text) {
                let source = source(index, page, *i);
                out.push(Proposal {
                    field: "officers".into(),
                    value: format!("{}（{}）", officer.value.0, officer.value.1),
                    doubt: low_confidence(&source),
                    source,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, confidence: f32) -> OcrLine {
        OcrLine {
            text: text.into(),
            confidence,
            quad: [[0.1, 0.1], [0.9, 0.1], [0.9, 0.12], [0.1, 0.12]],
        }
    }

    fn doc(doc_type: &str, lines: &[(&str, f32)]) -> ReadDocument {
        ReadDocument {
            doc_type: doc_type.into(),
            pages: vec![ReadPage {
                page: 1,
                lines: lines.iter().map(|(t, c)| line(t, *c)).collect(),
            }],
        }
    }

    fn value<'a>(proposals: &'a [Proposal], field: &str) -> Option<&'a Proposal> {
        proposals.iter().find(|p| p.field == field)
    }

    #[test]
    fn a_decision_gives_number_fine_bases_date_and_party() {
        let decision = doc(
            "行政处罚决定书",
            &[
                ("青禾市应急管理局", 0.99),
                ("行政处罚决定书", 0.99),
                ("青禾应急罚〔2024]12号", 0.95),
                ("当事人：", 0.99),
                ("青禾市锦程金属制品有限公司", 0.98),
                ("统一社会信用代码：91350100M000100Y43", 0.97),
                (
                    "依据《中华人民共和国安全生产法》第一百零一条第（五）项的规定，决定给予罚款人民币伍万肆仟元整（¥54000）的行政处罚。",
                    0.96,
                ),
                ("青禾市应急管理局（印章）", 0.98),
                ("2024年6月20日", 0.97),
            ],
        );
        let proposals = propose(&[decision]);
        assert_eq!(
            value(&proposals, "documents[1].number").unwrap().value,
            "青禾应急罚〔2024〕12号"
        );
        let fine = value(&proposals, "decision.fine").unwrap();
        assert_eq!((fine.value.as_str(), fine.doubt.as_deref()), ("54000", None));
        assert_eq!(
            value(&proposals, "decision.legal_basis").unwrap().value,
            "《中华人民共和国安全生产法》第一百零一条第（五）项"
        );
        assert_eq!(value(&proposals, "documents[1].date").unwrap().value, "2024-06-20");
        let party = value(&proposals, "party.name").unwrap();
        assert_eq!(party.value, "青禾市锦程金属制品有限公司");
        assert_eq!(party.source.line, Some(4), "the value's own cell");
        assert_eq!(value(&proposals, "party.id_number").unwrap().doubt, None);
    }

    #[test]
    fn a_long_document_full_of_dates_in_sentences_gives_its_foot_date() {
        // 20 000 lines, each with a date inside a sentence (and a line of only figures after
        // it), then the foot date: only the foot date closes its line.
        let mut lines: Vec<(String, f32)> = Vec::new();
        for i in 0..10_000 {
            lines.push((
                format!("{}年3月{}日已缴纳罚款，经核实无误", 2000 + i % 20, 1 + i % 28),
                0.97,
            ));
            lines.push(("123".into(), 0.97));
        }
        lines.push(("2024年6月20日".into(), 0.97));
        let refs: Vec<(&str, f32)> = lines.iter().map(|(t, c)| (t.as_str(), *c)).collect();
        let proposals = propose(&[doc("行政处罚告知书", &refs)]);
        assert_eq!(value(&proposals, "documents[1].date").unwrap().value, "2024-06-20");
        // Without a foot date, no date is proposed rather than one from a sentence.
        let proposals = propose(&[doc("行政处罚告知书", &refs[..refs.len() - 1])]);
        assert!(value(&proposals, "documents[1].date").is_none());
    }

    #[test]
    fn articles_violated_and_the_basis_of_the_penalty_are_told_apart() {
        let decision = doc(
            "行政处罚决定书",
            &[
                (
                    "你单位未对从业人员进行安全生产教育和培训，上述行为违反了《中华人民共和国安全",
                    0.97,
                ),
                (
                    "生产法》第二十八条第一款的规定。依据《中华人民共和国安全生产法》第九十七条第",
                    0.97,
                ),
                (
                    "（三）项的规定，本机关决定给予罚款人民币贰万元整（¥20000）的行政处罚。",
                    0.97,
                ),
                // A lost 。 runs the next sentence (which names 本决定书) into this one.
                (
                    "罚款限于收到本决定书之日起十五日内缴至指定银行依据《中华人民共和国行政处罚法》第七十二条第一款",
                    0.97,
                ),
                ("第（一）项的规定，每日按罚款数额的百分之三加处罚款。", 0.97),
            ],
        );
        let proposals = propose(&[decision]);
        let of = |field: &str| -> Vec<&str> {
            proposals
                .iter()
                .filter(|p| p.field == field)
                .map(|p| p.value.as_str())
                .collect()
        };
        assert_eq!(
            of("decision.violated"),
            ["《中华人民共和国安全生产法》第二十八条第一款"]
        );
        assert_eq!(
            of("decision.legal_basis"),
            ["《中华人民共和国安全生产法》第九十七条第（三）项"]
        );
        let basis = proposals.iter().find(|p| p.field == "decision.legal_basis").unwrap();
        assert_eq!(basis.source.line, Some(1), "the line the citation starts on");
    }

    #[test]
    fn disagreeing_amounts_failed_checks_and_low_confidence_are_doubtful() {
        let decision = doc(
            "行政处罚决定书",
            &[
                ("决定给予罚款人民币伍万肆仟元整（¥5400）的行政处罚。", 0.97),
                ("统一社会信用代码：91350100M000100Y48", 0.97),
                ("2024年6月2O日", 0.60),
                ("2024年6月20日", 0.62),
            ],
        );
        let proposals = propose(&[decision]);
        let fine = value(&proposals, "decision.fine").unwrap();
        assert!(fine.doubt.as_deref().unwrap().contains("不一致"), "{fine:?}");
        let id = value(&proposals, "party.id_number").unwrap();
        assert!(id.doubt.as_deref().unwrap().contains("校验位"), "{id:?}");
        let date = value(&proposals, "documents[1].date").unwrap();
        assert!(date.doubt.as_deref().unwrap().contains("识别存疑"), "{date:?}");
    }

    #[test]
    fn fields_read_in_chinese() {
        let decision = doc(
            "行政处罚决定书",
            &[
                ("决定给予罚款人民币贰仟伍佰元整（¥2500）", 0.97),
                ("2024年6月20日", 0.97),
            ],
        );
        let proposals = propose(&[decision]);
        let fine = value(&proposals, "decision.fine").unwrap();
        assert_eq!(
            (fine.label(), fine.display_value()),
            ("罚款金额（元）".to_string(), "2500 元".to_string())
        );
        assert_eq!(
            value(&proposals, "documents[1].date").unwrap().label(),
            "第 1 份文书日期"
        );
    }

    #[test]
    fn receipts_notices_and_records_give_their_own_dates_and_hearing() {
        let receipt = doc(
            "送达回执",
            &[
                ("送达回执", 0.99),
                ("送达时间", 0.99),
                ("2024年6月21日10时", 0.97),
                ("受送达人签名：孙文博", 0.95),
            ],
        );
        let notice = doc(
            "行政处罚告知书",
            &[
                ("你（单位）有权进行陈述和申辩，并有权要求听证。", 0.95),
                ("青禾市应急管理局（印章）", 0.98),
                ("2024年6月1日", 0.97),
            ],
        );
        let record = doc(
            "询问笔录",
            &[
                ("询问时间：2024年5月20日 14时00分至15时20分", 0.93),
                ("询问人：陈超（执法证号：21010020230001）", 0.96),
            ],
        );
        let proposals = propose(&[receipt, notice, record]);
        assert_eq!(value(&proposals, "documents[1].date").unwrap().value, "2024-06-21");
        assert_eq!(value(&proposals, "documents[2].date").unwrap().value, "2024-06-01");
        assert_eq!(value(&proposals, "documents[3].date").unwrap().value, "2024-05-20");
        assert_eq!(value(&proposals, "decision.hearing_offered").unwrap().value, "true");
        assert_eq!(value(&proposals, "officers").unwrap().value, "陈超（21010020230001）");
    }
}
