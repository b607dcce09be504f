//! Design tokens: the one source of colours, spacing and type sizes. Severity colours mean
//! the same everywhere (pass / deduction / veto).

use egui::{Color32, Visuals};

/// The font family name of the bundled bold face.
pub const BOLD_FAMILY: &str = "bold";

/// Spacing unit in points.
pub const SPACE: f32 = 8.0;
/// Height of a table row at the default text size.
pub const ROW_HEIGHT: f32 = 26.0;

/// Height of a table row at the current text size: the body text's line and padding, never
/// less than [`ROW_HEIGHT`] (glyphs are never clipped at a large 字号).
pub fn row_height(ui: &egui::Ui) -> f32 {
    let body = egui::TextStyle::Body.resolve(ui.style());
    let line = ui.fonts_mut(|f| f.row_height(&body));
    (line + 6.0).max(ROW_HEIGHT)
}

/// The 字号 steps offered, in points of body text.
pub const FONT_SIZES: [u32; 7] = [12, 13, 14, 15, 16, 18, 20];
/// Body text at scale 1.
const BASE_SIZE: f32 = 14.0;

/// The step nearest to a stored scale.
pub fn font_size(scale: f32) -> u32 {
    let wanted = scale * BASE_SIZE;
    FONT_SIZES
        .into_iter()
        .min_by(|a, b| (*a as f32 - wanted).abs().total_cmp(&(*b as f32 - wanted).abs()))
        .unwrap_or(14)
}

/// The scale of a step.
pub fn scale_of(size: u32) -> f32 {
    size as f32 / BASE_SIZE
}

/// Colours of a theme.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    /// Accent (selection, links).
    pub accent: Color32,
    /// Secondary text.
    pub weak_text: Color32,
    /// Pass / OK.
    pub pass: Color32,
    /// A deduction or warning.
    pub deduction: Color32,
    /// A veto or error.
    pub veto: Color32,
}

/// The palette for light or dark mode.
pub fn palette(dark: bool) -> Palette {
    if dark {
        Palette {
            accent: Color32::from_rgb(110, 160, 255),
            weak_text: Color32::from_gray(150),
            pass: Color32::from_rgb(90, 190, 120),
            deduction: Color32::from_rgb(235, 170, 70),
            veto: Color32::from_rgb(240, 100, 100),
        }
    } else {
        Palette {
            accent: Color32::from_rgb(30, 90, 200),
            weak_text: Color32::from_gray(110),
            pass: Color32::from_rgb(30, 130, 70),
            deduction: Color32::from_rgb(180, 110, 0),
            veto: Color32::from_rgb(190, 30, 30),
        }
    }
}

/// Applies the theme's visuals and text sizes to the context.
pub fn apply(ctx: &egui::Context, dark: bool, font_scale: f32) {
    let mut visuals = if dark { Visuals::dark() } else { Visuals::light() };
    let p = palette(dark);
    visuals.selection.bg_fill = p.accent.gamma_multiply(0.35);
    visuals.hyperlink_color = p.accent;
    ctx.set_visuals(visuals);
    ctx.global_style_mut(|style| {
        use egui::{FontFamily, FontId, TextStyle};
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(20.0 * font_scale, FontFamily::Name(BOLD_FAMILY.into())),
            ),
            (
                TextStyle::Body,
                FontId::new(14.0 * font_scale, FontFamily::Proportional),
            ),
            (
                TextStyle::Button,
                FontId::new(14.0 * font_scale, FontFamily::Proportional),
            ),
            (
                TextStyle::Small,
                FontId::new(11.5 * font_scale, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(13.0 * font_scale, FontFamily::Monospace),
            ),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(SPACE, SPACE * 0.6);
    });
}

/// The width a one-line text field needs to show `text` (or its hint) whole at the current
/// text size, at least `min`: fields are as wide as their content, never cut to a few
/// characters.
pub fn fitted_width(ui: &egui::Ui, text: &str, hint: &str, min: f32) -> f32 {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let measure = |t: &str| ui.fonts_mut(|f| f.layout_no_wrap(t.to_string(), font.clone(), Color32::WHITE).size().x);
    // The field's inner margin and the cursor.
    let margin = 2.0 * ui.spacing().button_padding.x + 8.0;
    (measure(text).max(measure(hint)) + margin).max(min)
}

/// A status-bar progress bar: `done` of `total` (empty while the total is unknown) with its text.
pub fn progress_bar(ui: &mut egui::Ui, done: usize, total: usize, width: f32, text: String) {
    let fraction = if total == 0 { 0.0 } else { done as f32 / total as f32 };
    ui.add(egui::ProgressBar::new(fraction).desired_width(width).text(text));
}
