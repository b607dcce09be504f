//! Row ids as types of their own: a case's id, a reviewer's and a checklist version's key
//! are all SQLite integers, and with these a call can no longer pass one for another.
//! Stored and serialised as the bare integer.

use std::fmt;

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

macro_rules! row_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.0))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(value).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

row_id! {
    /// A stored case revision (`cases.id`).
    CaseId
}

row_id! {
    /// A reviewer of the project (`reviewers.id`).
    ReviewerId
}

row_id! {
    /// A checklist version (`checklists.key`): what marks refer to.
    ChecklistKey
}

#[cfg(test)]
mod tests {
    use super::{CaseId, ChecklistKey};

    #[test]
    fn an_id_is_stored_and_serialised_as_its_integer() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let back: CaseId = conn.query_row("SELECT ?1", [CaseId(42)], |r| r.get(0)).unwrap();
        assert_eq!(back, CaseId(42));
        assert_eq!(serde_json::to_string(&ChecklistKey(7)).unwrap(), "7");
        assert_eq!(serde_json::from_str::<ChecklistKey>("7").unwrap(), ChecklistKey(7));
        assert_eq!(CaseId(3).to_string(), "3");
    }
}
