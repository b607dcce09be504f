//! XLSX export (the only `rust_xlsxwriter` user): a checklist as a printable score sheet
//! template (否决项 first, then the sections with points, deduction rule and basis, and
//! blank 扣分/得分 columns for paper use) — in the table form a 评查标准 is published in, so
//! the file imports back (`scoring::table`).

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::domain::{Checklist, fmt_points};

/// The checklist as an A4 landscape sheet, title and header row repeated on each page.
#[expect(
    clippy::too_many_lines,
    reason = "lays out one printed sheet cell by cell, top to bottom"
)]
pub fn checklist_xlsx(checklist: &Checklist) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("评查标准")?;
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("#E8EEF4");
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let number = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let group = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);

    let columns = [
        ("序号", 6.0),
        ("评查项目", 14.0),
        ("评查内容", 46.0),
        ("分值", 6.0),
        ("扣分标准", 16.0),
        ("依据", 26.0),
        ("扣分", 6.0),
        ("得分", 6.0),
        ("问题及页码", 24.0),
    ];
    let last_col = (columns.len() - 1) as u16;
    sheet.merge_range(
        0,
        0,
        0,
        last_col,
        &format!("{}（第{}版）", checklist.name, checklist.version),
        &title,
    )?;
    sheet.merge_range(
        1,
        0,
        1,
        last_col,
        "案号：                    承办单位：                    评查人：                    日期：",
        &Format::new(),
    )?;
    for (col, (name, width)) in columns.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
        sheet.write_string_with_format(2, col as u16, *name, &header)?;
    }
    let mut row: u32 = 3;
    if !checklist.veto_items.is_empty() {
        sheet.merge_range(
            row,
            0,
            row,
            last_col,
            &format!("否决项（任一项成立：{}）", checklist.veto_effect.label()),
            &group,
        )?;
        row += 1;
        for veto in &checklist.veto_items {
            sheet.write_string_with_format(row, 0, &veto.id, &number)?;
            sheet.write_string_with_format(row, 1, "否决项", &cell)?;
            sheet.write_string_with_format(row, 2, &veto.text, &cell)?;
            sheet.write_string_with_format(row, 3, "—", &number)?;
            sheet.write_string_with_format(row, 4, "成立即否决", &cell)?;
            sheet.write_string_with_format(row, 5, &veto.basis, &cell)?;
            for col in 6..=last_col {
                sheet.write_string_with_format(row, col, "", &cell)?;
            }
            row += 1;
        }
    }
    for section in &checklist.sections {
        sheet.merge_range(
            row,
            0,
            row,
            last_col,
            &format!("{} {}（{}分）", section.id, section.name, fmt_points(section.points)),
            &group,
        )?;
        row += 1;
        for item in &section.items {
            sheet.write_string_with_format(row, 0, &item.id, &number)?;
            sheet.write_string_with_format(row, 1, &section.name, &cell)?;
            sheet.write_string_with_format(row, 2, &item.text, &cell)?;
            sheet.write_number_with_format(row, 3, item.points, &number)?;
            let mut rule = item.deduction.describe(item.points);
            if !item.floor_at_zero {
                rule.push_str("（超出部分计入本部分）");
            }
            sheet.write_string_with_format(row, 4, &rule, &cell)?;
            sheet.write_string_with_format(row, 5, &item.basis, &cell)?;
            for col in 6..=last_col {
                sheet.write_string_with_format(row, col, "", &cell)?;
            }
            row += 1;
        }
    }
    if !checklist.bonus_items.is_empty() {
        sheet.merge_range(
            row,
            0,
            row,
            last_col,
            if checklist.bonus_enabled {
                "加分项"
            } else {
                "加分项（未启用）"
            },
            &group,
        )?;
        row += 1;
        for bonus in &checklist.bonus_items {
            sheet.write_string_with_format(row, 0, &bonus.id, &number)?;
            sheet.write_string_with_format(row, 1, "加分项", &cell)?;
            sheet.write_string_with_format(row, 2, &bonus.text, &cell)?;
            sheet.write_number_with_format(row, 3, bonus.points, &number)?;
            sheet.write_string_with_format(row, 4, format!("最多加{}分", fmt_points(bonus.points)), &cell)?;
            sheet.write_string_with_format(row, 5, &bonus.basis, &cell)?;
            for col in 6..=last_col {
                sheet.write_string_with_format(row, col, "", &cell)?;
            }
            row += 1;
        }
    }
    row += 1;
    let bands: Vec<String> = checklist
        .bands
        .iter()
        .map(|b| format!("{} ≥{}分", b.grade, fmt_points(b.min_points)))
        .collect();
    sheet.merge_range(
        row,
        0,
        row,
        last_col,
        &format!(
            "满分{}分。等次：{}。{}。",
            fmt_points(checklist.total_points),
            bands.join("；"),
            checklist.not_applicable.label()
        ),
        &Format::new().set_text_wrap(),
    )?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_repeat_rows(0, 2)?;
    sheet.set_print_fit_to_pages(1, 0);
    workbook.save_to_buffer()
}

/// A cell of a data sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
}

/// A data sheet: a header row, then rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// Sheet name.
    pub name: String,
    /// Header cells.
    pub headers: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

/// Writes data sheets (for the staff's own analysis): bold frozen header, autofilter.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold().set_background_color("#E8EEF4");
    for data in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(&data.name)?;
        for (col, h) in data.headers.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, h, &header)?;
            sheet.set_column_width(col as u16, 14.0)?;
        }
        for (r, row) in data.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (col, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(t) => sheet.write_string(r, col as u16, t)?,
                    Cell::Number(n) => sheet.write_number(r, col as u16, *n)?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        if !data.headers.is_empty() {
            sheet.autofilter(0, 0, data.rows.len() as u32, data.headers.len() as u16 - 1)?;
        }
    }
    workbook.save_to_buffer()
}
