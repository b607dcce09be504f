//! Schema migrations: an append-only list keyed by `PRAGMA user_version`, run in one
//! transaction at open. A project whose version is newer than this program's is refused
//! before anything is written.

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// Each entry moves the schema from version `i` to `i + 1`. Never edit a released entry.
const MIGRATIONS: &[&str] = &[
    // 1: cases with revisions, documents, every package file (case_files) stored by content,
    //    officer registry,
    //    settings, full-text index.
    r#"
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE cases (
        id            INTEGER PRIMARY KEY,
        number        TEXT NOT NULL,
        revision      INTEGER NOT NULL,
        is_current    INTEGER NOT NULL CHECK (is_current IN (0, 1)),
        kind          TEXT NOT NULL,
        procedure     TEXT,
        title         TEXT NOT NULL,
        agency        TEXT NOT NULL,
        unit          TEXT NOT NULL,
        district      TEXT,
        industry      TEXT,
        party         TEXT,
        filed_date    TEXT,
        decision_date TEXT,
        origin        TEXT NOT NULL,
        fingerprint   TEXT NOT NULL,
        source_path   TEXT NOT NULL,
        imported_at   TEXT NOT NULL,
        case_json     TEXT NOT NULL,
        warnings_json TEXT NOT NULL,
        UNIQUE (number, revision)
    );
    CREATE UNIQUE INDEX cases_current_number ON cases (number) WHERE is_current = 1;
    CREATE INDEX cases_unit ON cases (unit);
    CREATE TABLE blobs (
        sha256     TEXT PRIMARY KEY,
        size_bytes INTEGER NOT NULL,
        extension  TEXT NOT NULL
    );
    CREATE TABLE documents (
        id           INTEGER PRIMARY KEY,
        case_id      INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        position     INTEGER NOT NULL,
        doc_type     TEXT NOT NULL,
        file_path    TEXT NOT NULL,
        sha256       TEXT REFERENCES blobs (sha256),
        doc_date     TEXT,
        doc_number   TEXT,
        pages        INTEGER,
        text_status  TEXT NOT NULL,
        UNIQUE (case_id, position)
    );
    CREATE INDEX documents_case ON documents (case_id);
    CREATE TABLE case_files (
        case_id   INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        file_path TEXT NOT NULL,
        sha256    TEXT NOT NULL REFERENCES blobs (sha256),
        PRIMARY KEY (case_id, file_path)
    );
    CREATE TABLE registry_officers (
        certificate TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        unit        TEXT,
        category    TEXT,
        issued      TEXT,
        valid_until TEXT,
        source_path TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE search_index USING fts5 (
        content,
        case_id UNINDEXED,
        document_id UNINDEXED,
        tokenize = 'trigram'
    );
    "#,
    // 2: scoring. Checklist versions (frozen once a mark uses them), reviewers, one reviewer's
    //    marks and review state per case, the append-only audit log, the finding library,
    //    and reviewers' decisions on the automatic checks' findings.
    r#"
    CREATE TABLE checklists (
        id           INTEGER PRIMARY KEY,
        checklist_id TEXT NOT NULL,
        version      INTEGER NOT NULL,
        name         TEXT NOT NULL,
        source_toml  TEXT NOT NULL,
        checklist_json TEXT NOT NULL,
        frozen       INTEGER NOT NULL DEFAULT 0 CHECK (frozen IN (0, 1)),
        created_at   TEXT NOT NULL,
        UNIQUE (checklist_id, version)
    );
    CREATE TABLE reviewers (
        id   INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        unit TEXT NOT NULL,
        UNIQUE (name, unit)
    );
    CREATE TABLE reviews (
        case_number TEXT NOT NULL,
        reviewer_id INTEGER NOT NULL REFERENCES reviewers (id),
        checklist   INTEGER NOT NULL REFERENCES checklists (id),
        reviewed_at TEXT,
        PRIMARY KEY (case_number, reviewer_id, checklist)
    );
    CREATE TABLE marks (
        case_number TEXT NOT NULL,
        reviewer_id INTEGER NOT NULL REFERENCES reviewers (id),
        checklist   INTEGER NOT NULL REFERENCES checklists (id),
        item_id     TEXT NOT NULL,
        mark_json   TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        PRIMARY KEY (case_number, reviewer_id, checklist, item_id),
        FOREIGN KEY (case_number, reviewer_id, checklist)
            REFERENCES reviews (case_number, reviewer_id, checklist)
    );
    CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        reviewer_id INTEGER NOT NULL REFERENCES reviewers (id),
        case_number TEXT NOT NULL,
        checklist   INTEGER REFERENCES checklists (id),
        item_id     TEXT,
        action      TEXT NOT NULL,
        old_json    TEXT,
        new_json    TEXT,
        note        TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_log_case ON audit_log (case_number);
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TABLE finding_library (
        code       TEXT PRIMARY KEY,
        category   TEXT NOT NULL,
        wording    TEXT NOT NULL,
        basis      TEXT NOT NULL,
        advice     TEXT NOT NULL,
        origin     TEXT NOT NULL CHECK (origin IN ('seed', 'reviewer')),
        created_by INTEGER REFERENCES reviewers (id),
        created_at TEXT NOT NULL
    );
    CREATE TABLE finding_decisions (
        case_number TEXT NOT NULL,
        reviewer_id INTEGER NOT NULL REFERENCES reviewers (id),
        rule        TEXT NOT NULL,
        message     TEXT NOT NULL,
        decision    TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
        reason      TEXT NOT NULL,
        item_id     TEXT,
        decided_at  TEXT NOT NULL,
        PRIMARY KEY (case_number, reviewer_id, rule, message)
    );
    "#,
    // 3: review campaigns. Cases drawn, reviewers with role and public key, assignments,
    //    consensus marks (the reviewers' own marks stay as they are), sign-off locks, and the
    //    returns imported (for idempotency).
    r#"
    CREATE TABLE campaigns (
        id          INTEGER PRIMARY KEY,
        uid         TEXT NOT NULL UNIQUE,
        name        TEXT NOT NULL UNIQUE,
        year        INTEGER NOT NULL,
        config_json TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    CREATE TABLE campaign_cases (
        campaign    INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        case_number TEXT NOT NULL,
        PRIMARY KEY (campaign, case_number)
    );
    CREATE TABLE campaign_reviewers (
        campaign    INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        reviewer_id INTEGER NOT NULL REFERENCES reviewers (id),
        role        TEXT NOT NULL CHECK (role IN ('lead', 'reviewer')),
        team        TEXT NOT NULL DEFAULT '',
        public_key  TEXT,
        PRIMARY KEY (campaign, reviewer_id)
    );
    CREATE TABLE assignments (
        campaign    INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        case_number TEXT NOT NULL,
        reviewer_id INTEGER NOT NULL REFERENCES reviewers (id),
        PRIMARY KEY (campaign, case_number, reviewer_id)
    );
    CREATE TABLE consensus_marks (
        campaign    INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        case_number TEXT NOT NULL,
        checklist   INTEGER NOT NULL REFERENCES checklists (id),
        item_id     TEXT NOT NULL,
        mark_json   TEXT,
        reason      TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (campaign, case_number, checklist, item_id)
    );
    CREATE TABLE signoffs (
        campaign    INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        case_number TEXT NOT NULL,
        locked      INTEGER NOT NULL CHECK (locked IN (0, 1)),
        by_name     TEXT NOT NULL,
        at          TEXT NOT NULL,
        reason      TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (campaign, case_number)
    );
    CREATE TABLE returns (
        campaign    INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        reviewer_id INTEGER NOT NULL REFERENCES reviewers (id),
        sha256      TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        PRIMARY KEY (campaign, reviewer_id)
    );
    "#,
    // 4: the automatic checks' findings per case revision, keyed by what they were computed
    // with (rule revision, settings, calendar, registry), so reopening a project does not run
    // every rule on every case again.
    r#"
    CREATE TABLE finding_cache (
        case_id       INTEGER PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
        context       TEXT NOT NULL,
        findings_json TEXT NOT NULL
    );
    "#,
    // 5: the case list read from one covering index (no case JSON pages, no per-row count of
    // documents): 100 000 cases list in a fraction of a second.
    r#"
    ALTER TABLE cases ADD COLUMN document_count INTEGER NOT NULL DEFAULT 0;
    UPDATE cases SET document_count = (SELECT COUNT(*) FROM documents d WHERE d.case_id = cases.id);
    CREATE INDEX cases_list ON cases (is_current, number, id, revision, kind, procedure, title, unit, party,
        filed_date, decision_date, origin, document_count);
    "#,
    // 6: which case and document each search_index row belongs to, in a plain table keyed
    // by the index's rowid: a search reads the matching rowids from the trigram index and
    // never reads document text it does not show (FTS5 keeps the text before the case id in
    // each row, so reading the id meant reading the text); a revision deletes its case's
    // index rows by rowid instead of scanning the whole index.
    r#"
    CREATE TABLE search_rows (
        rowid       INTEGER PRIMARY KEY,
        case_id     INTEGER NOT NULL,
        document_id INTEGER
    );
    INSERT INTO search_rows (rowid, case_id, document_id) SELECT rowid, case_id, document_id FROM search_index;
    CREATE INDEX search_rows_case ON search_rows (case_id);
    "#,
    // 7: a changed package for a case locked by a campaign sign-off is kept as a held
    // revision (not current, not searchable) until the case is unlocked; its index rows wait
    // in `held_rows` and move to `search_rows` when it becomes current.
    r#"
    ALTER TABLE cases ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE held_rows (
        rowid       INTEGER PRIMARY KEY,
        case_id     INTEGER NOT NULL,
        document_id INTEGER
    );
    CREATE INDEX held_rows_case ON held_rows (case_id);
    "#,
    // 8: returns are numbered by the reviewer's workspace (an older one replayed after a newer
    // one is refused), and the kits a campaign issued are recorded by hash (a return must
    // name one of them).
    r#"
    ALTER TABLE returns ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE issued_kits (
        campaign    INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        reviewer_id INTEGER NOT NULL REFERENCES reviewers (id),
        sha256      TEXT NOT NULL,
        issued_at   TEXT NOT NULL,
        PRIMARY KEY (campaign, reviewer_id, sha256)
    );
    "#,
    // 9: rectification tracked to closure: the notices issued to units, each problem of a
    // notice with its due date, the units' written answers and the organiser's
    // verifications (append-only, like the audit log).
    r#"
    CREATE TABLE rectify_notices (
        id         INTEGER PRIMARY KEY,
        number     TEXT NOT NULL,
        unit       TEXT NOT NULL,
        campaign   TEXT,
        issued_on  TEXT NOT NULL,
        due_on     TEXT NOT NULL,
        issued_by  TEXT NOT NULL,
        issued_at  TEXT NOT NULL
    );
    CREATE UNIQUE INDEX rectify_notices_once ON rectify_notices (unit, IFNULL(campaign, ''));
    CREATE TABLE rectify_items (
        id          INTEGER PRIMARY KEY,
        notice      INTEGER NOT NULL REFERENCES rectify_notices (id),
        case_number TEXT NOT NULL,
        item_id     TEXT NOT NULL,
        item        TEXT NOT NULL,
        problem     TEXT NOT NULL,
        basis       TEXT NOT NULL,
        advice      TEXT NOT NULL
    );
    CREATE INDEX rectify_items_notice ON rectify_items (notice);
    CREATE TABLE rectify_answers (
        id          INTEGER PRIMARY KEY,
        item        INTEGER NOT NULL REFERENCES rectify_items (id),
        answered_on TEXT NOT NULL,
        text        TEXT NOT NULL,
        files_json  TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    );
    CREATE INDEX rectify_answers_item ON rectify_answers (item);
    CREATE TABLE rectify_verifications (
        id          INTEGER PRIMARY KEY,
        item        INTEGER NOT NULL REFERENCES rectify_items (id),
        outcome     TEXT NOT NULL CHECK (outcome IN ('done', 'partial', 'not_done')),
        reason      TEXT NOT NULL,
        verified_on TEXT NOT NULL,
        new_due     TEXT,
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    );
    CREATE INDEX rectify_verifications_item ON rectify_verifications (item);
    CREATE TRIGGER rectify_answers_no_update BEFORE UPDATE ON rectify_answers
    BEGIN SELECT RAISE(ABORT, 'rectify_answers is append-only'); END;
    CREATE TRIGGER rectify_verifications_no_update BEFORE UPDATE ON rectify_verifications
    BEGIN SELECT RAISE(ABORT, 'rectify_verifications is append-only'); END;
    "#,
    // 10: OCR text of scanned pages, per stored file and page (so re-import, reopening and
    //     kits reuse it), and the page an index row comes from (NULL: a whole text layer).
    r#"
    CREATE TABLE ocr_pages (
        sha256     TEXT NOT NULL REFERENCES blobs (sha256),
        page       INTEGER NOT NULL,
        engine     TEXT NOT NULL,
        text       TEXT NOT NULL,
        lines_json TEXT NOT NULL,
        confidence REAL NOT NULL,
        width      INTEGER NOT NULL,
        height     INTEGER NOT NULL,
        read_at    TEXT NOT NULL,
        PRIMARY KEY (sha256, page)
    );
    ALTER TABLE search_rows ADD COLUMN page INTEGER;
    ALTER TABLE held_rows ADD COLUMN page INTEGER;
    "#,
    // 11: the pages of a PDF with a text layer that have no text of their own (scanned pages
    //     in a mixed file), as a JSON array; NULL when not known (imported before).
    r#"
    ALTER TABLE documents ADD COLUMN bare_pages TEXT;
    "#,
    // 12: changes reviewers made to the facts of a case (append-only, applied in order on top
    // of the imported case, which stays as it was imported).
    r#"
    CREATE TABLE fact_edits (
        id          INTEGER PRIMARY KEY,
        case_number TEXT NOT NULL,
        path        TEXT NOT NULL,
        value_json  TEXT NOT NULL,
        old_json    TEXT NOT NULL,
        reviewer_id INTEGER NOT NULL REFERENCES reviewers (id),
        at          TEXT NOT NULL,
        origin      TEXT NOT NULL,
        source_json TEXT
    );
    CREATE INDEX fact_edits_case ON fact_edits (case_number, id);
    CREATE TRIGGER fact_edits_no_update BEFORE UPDATE ON fact_edits
    BEGIN SELECT RAISE(ABORT, 'fact_edits is append-only'); END;
    CREATE TRIGGER fact_edits_no_delete BEFORE DELETE ON fact_edits
    BEGIN SELECT RAISE(ABORT, 'fact_edits is append-only'); END;
    "#,
];

/// The schema version this program writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to [`SCHEMA_VERSION`] in one transaction.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version = |conn: &Connection| -> Result<i64, StoreError> {
        Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
    };
    let found = version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    // Read the version again under the write lock: another process may have migrated the
    // project between the first read and taking the lock.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = version(&tx)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for sql in &MIGRATIONS[usize::try_from(found).unwrap_or(0)..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}
