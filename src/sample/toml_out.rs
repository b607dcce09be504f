//! Writes a case as `case.toml` (format `pingcha-case-1`).

use std::fmt::Write as _;

use crate::domain::{Case, CodeEnum, DateKey};

/// A TOML basic string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", "))
}

fn amount(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Renders `case.toml` for a case.
#[expect(
    clippy::too_many_lines,
    reason = "writes case.toml's sections in file order, one block each"
)]
pub fn case_toml(case: &Case) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# 虚构示例案卷（Pingcha 生成的测试数据，非真实案件）");
    let _ = writeln!(s, "format = \"pingcha-case-1\"\n");
    let _ = writeln!(s, "[case]");
    let _ = writeln!(s, "number = {}", quote(&case.number));
    let _ = writeln!(s, "kind = {}", quote(case.kind.code()));
    if let Some(p) = case.procedure {
        let _ = writeln!(s, "procedure = {}", quote(p.code()));
    }
    let _ = writeln!(s, "title = {}", quote(&case.title));
    let _ = writeln!(s, "agency = {}", quote(&case.agency));
    let _ = writeln!(s, "unit = {}", quote(&case.unit));
    for (key, value) in [
        ("district", &case.district),
        ("industry", &case.industry),
        ("source", &case.source),
        ("summary", &case.summary),
    ] {
        if let Some(v) = value {
            let _ = writeln!(s, "{key} = {}", quote(v));
        }
    }
    if let Some(harm) = case.harm {
        let _ = writeln!(s, "harm = {harm}");
    }
    if let Some(party) = &case.party {
        let _ = writeln!(s, "\n[party]");
        let _ = writeln!(s, "name = {}", quote(&party.name));
        if let Some(kind) = party.kind {
            let _ = writeln!(s, "kind = {}", quote(kind.code()));
        }
        for (key, value) in [
            ("id_number", &party.id_number),
            ("representative", &party.representative),
            ("address", &party.address),
        ] {
            if let Some(v) = value {
                let _ = writeln!(s, "{key} = {}", quote(v));
            }
        }
    }
    for officer in &case.officers {
        let _ = writeln!(s, "\n[[officers]]");
        let _ = writeln!(s, "name = {}", quote(&officer.name));
        let _ = writeln!(s, "certificate = {}", quote(&officer.certificate));
        if let Some(d) = officer.certificate_valid_until {
            let _ = writeln!(s, "certificate_valid_until = {}", d.format("%Y-%m-%d"));
        }
    }
    if !case.dates.is_empty() {
        let _ = writeln!(s, "\n[dates]");
        for key in DateKey::ALL {
            if let Some(d) = case.dates.get(key) {
                let _ = writeln!(s, "{} = {}", key.code(), quote(&d.format("%Y-%m-%d").to_string()));
            }
        }
    }
    if let Some(decision) = &case.decision {
        let _ = writeln!(s, "\n[decision]");
        let penalties: Vec<String> = decision
            .penalties
            .iter()
            .map(|p| match p.amount_yuan {
                Some(a) => format!("{{ kind = {}, amount = {} }}", quote(p.kind.code()), amount(a)),
                None => format!("{{ kind = {} }}", quote(p.kind.code())),
            })
            .collect();
        let _ = writeln!(s, "penalties = [{}]", penalties.join(", "));
        let _ = writeln!(s, "legal_basis = {}", list(&decision.legal_basis));
        let _ = writeln!(s, "violated = {}", list(&decision.violated));
        if let Some(d) = &decision.discretion {
            let _ = writeln!(s, "discretion = {}", quote(d));
        }
        for (key, value) in [
            ("served_on_spot", decision.served_on_spot),
            ("hearing_offered", decision.hearing_offered),
            ("hearing_waived", decision.hearing_waived),
            ("major", decision.major),
            (
                "collective_discussion_required",
                decision.collective_discussion_required,
            ),
        ] {
            if let Some(v) = value {
                let _ = writeln!(s, "{key} = {v}");
            }
        }
    }
    if let Some(review) = &case.legal_review {
        let _ = writeln!(s, "\n[legal_review]");
        if let Some(r) = &review.reviewer {
            let _ = writeln!(s, "reviewer = {}", quote(r));
        }
        if let Some(q) = review.qualified {
            let _ = writeln!(s, "qualified = {q}");
        }
        if let Some(o) = review.opinion {
            let _ = writeln!(s, "opinion = {}", quote(o.code()));
        }
    }
    if let Some(cd) = &case.collective_discussion {
        let _ = writeln!(s, "\n[collective_discussion]");
        if let Some(chair) = &cd.chair {
            let _ = writeln!(s, "chair = {}", quote(chair));
        }
        let _ = writeln!(s, "attendees = {}", list(&cd.attendees));
    }
    for doc in &case.documents {
        let _ = writeln!(s, "\n[[documents]]");
        let _ = writeln!(s, "type = {}", quote(&doc.doc_type));
        let _ = writeln!(s, "file = {}", quote(&doc.file));
        if let Some(d) = doc.date {
            let _ = writeln!(s, "date = {}", quote(&d.format("%Y-%m-%d").to_string()));
        }
        if let Some(n) = &doc.number {
            let _ = writeln!(s, "number = {}", quote(n));
        }
        if let Some(p) = doc.pages {
            let _ = writeln!(s, "pages = {p}");
        }
        if let Some(o) = &doc.officers {
            let _ = writeln!(s, "officers = {}", list(o));
        }
        for (key, value) in [("party_signed", doc.party_signed), ("sealed", doc.sealed)] {
            if let Some(v) = value {
                let _ = writeln!(s, "{key} = {v}");
            }
        }
        if let Some(serves) = &doc.serves {
            let _ = writeln!(s, "serves = {}", quote(serves));
        }
        if let Some(note) = &doc.note {
            let _ = writeln!(s, "note = {}", quote(note));
        }
        if let Some(level) = doc.approval {
            let _ = writeln!(s, "approval = {}", quote(crate::domain::CodeEnum::code(level)));
        }
    }
    for rec in &case.recordings {
        let _ = writeln!(s, "\n[[recordings]]");
        let _ = writeln!(s, "stage = {}", quote(&rec.stage));
        if let Some(d) = rec.date {
            let _ = writeln!(s, "date = {}", quote(&d.format("%Y-%m-%d").to_string()));
        }
        if let Some(f) = &rec.file {
            let _ = writeln!(s, "file = {}", quote(f));
        }
        if let Some(secs) = rec.duration_seconds {
            let _ = writeln!(s, "duration_seconds = {secs}");
        }
    }
    s
}
