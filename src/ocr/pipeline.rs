//! The PP-OCR pipeline around the three networks: page scaling, detection input, the DB
//! post-processing that turns the probability map into text boxes, the straightened crops,
//! direction classification (0°/180°), recognition input in width-sorted batches, and CTC
//! decoding. The parameters are those of the reference (`rapidocr-onnxruntime` 1.4.4,
//! `config.yaml`) and belong to the models [`super::install`] pins: a model and these steps
//! are tested as a pair (`tests/ocr.rs`).
//!
//! The networks themselves are behind [`Nets`]; everything here is pure.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::geometry::{self, RotatedRect};
use super::raster::Gray;
use super::{OcrError, OcrLine, PageText, Timings};

/// The reference parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// A page's longer side is brought down to this many pixels first.
    pub max_side_len: u32,
    /// Detection input: the shorter side is brought up to this (`limit_type: min`).
    pub limit_side_len: u32,
    /// Probability above which a map pixel is text.
    pub thresh: f32,
    /// Mean probability a box needs to be kept.
    pub box_thresh: f32,
    /// Most regions looked at on one page.
    pub max_candidates: usize,
    /// How far a text kernel is grown back.
    pub unclip_ratio: f32,
    /// Dilate the text mask by a 2 × 2 kernel before finding regions.
    pub use_dilation: bool,
    /// Smallest short side of a box (map pixels).
    pub min_size: f32,
    /// Classifier input height and width.
    pub cls_shape: (u32, u32),
    /// Confidence needed to turn a line half a turn.
    pub cls_thresh: f32,
    /// Recogniser input height and (least) width.
    pub rec_shape: (u32, u32),
    /// Lines per classifier / recogniser batch.
    pub batch: usize,
    /// Lines recognised with less confidence are dropped (noise, stamps).
    pub text_score: f32,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            max_side_len: 2000,
            limit_side_len: 736,
            thresh: 0.3,
            box_thresh: 0.5,
            max_candidates: 1000,
            unclip_ratio: 1.6,
            use_dilation: true,
            min_size: 3.0,
            cls_shape: (48, 192),
            cls_thresh: 0.9,
            rec_shape: (48, 320),
            batch: 6,
            text_score: 0.5,
        }
    }
}

/// A dense `f32` tensor, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    /// Dimensions.
    pub shape: Vec<usize>,
    /// `shape.iter().product()` values.
    pub data: Vec<f32>,
}

/// The three networks: each takes an `N × 3 × H × W` batch.
pub trait Nets {
    /// Detection: `1 × 3 × H × W` → `1 × 1 × H × W` text probability.
    fn detect(&mut self, input: Tensor) -> Result<Tensor, OcrError>;
    /// Direction: `N × 3 × 48 × 192` → `N × 2` (0°, 180°).
    fn classify(&mut self, input: Tensor) -> Result<Tensor, OcrError>;
    /// Recognition: `N × 3 × 48 × W` → `N × T × C` character probabilities.
    fn recognise(&mut self, input: Tensor) -> Result<Tensor, OcrError>;
    /// The recogniser's characters, index 1.. (0 is the CTC blank).
    fn charset(&self) -> &[String];
}

/// Reads one page: boxes, direction, text. `cancel` is looked at between stages and batches.
pub fn read_page(
    nets: &mut dyn Nets,
    page: &Gray,
    params: &Params,
    cancel: Option<&AtomicBool>,
) -> Result<PageText, OcrError> {
    let cancelled = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    let mut timings = Timings::default();
    let (width, height) = (page.width, page.height);
    if width < 8 || height < 8 {
        return Ok(PageText::empty(width, height));
    }
    // Bring the page within max_side_len; boxes are found on this copy and mapped back.
    let scale = (params.max_side_len as f32 / width.max(height) as f32).min(1.0);
    let work = if scale < 1.0 {
        page.resized(
            ((width as f32 * scale).round() as u32).max(1),
            ((height as f32 * scale).round() as u32).max(1),
        )
    } else {
        page.clone()
    };
    let started = Instant::now();
    let boxes = detect(nets, &work, params)?;
    timings.detect_ms = started.elapsed().as_millis() as u64;
    if cancelled() {
        return Err(OcrError::Cancelled);
    }
    let mut crops: Vec<Gray> = boxes.iter().map(|(rect, _)| straighten(&work, rect)).collect();

    let started = Instant::now();
    let mut turned_lines = 0;
    for start in (0..crops.len()).step_by(params.batch) {
        if cancelled() {
            return Err(OcrError::Cancelled);
        }
        let end = (start + params.batch).min(crops.len());
        let turned = classify(nets, &crops[start..end], params)?;
        for (offset, turn) in turned.into_iter().enumerate() {
            if turn {
                crops[start + offset] = crops[start + offset].rotated_180();
                turned_lines += 1;
            }
        }
    }
    // Most lines upside down: the page was scanned upside down, and it is read from its
    // (real) top, which is the image's bottom right.
    let upside_down = turned_lines * 2 > crops.len();
    timings.classify_ms = started.elapsed().as_millis() as u64;

    let started = Instant::now();
    let mut read: Vec<Option<(String, f32)>> = vec![None; crops.len()];
    // Width-sorted batches, so a batch pads little.
    let mut by_ratio: Vec<usize> = (0..crops.len()).collect();
    by_ratio.sort_by(|&a, &b| ratio(&crops[a]).total_cmp(&ratio(&crops[b])));
    for chunk in by_ratio.chunks(params.batch) {
        if cancelled() {
            return Err(OcrError::Cancelled);
        }
        let batch: Vec<&Gray> = chunk.iter().map(|&i| &crops[i]).collect();
        for (&i, result) in chunk.iter().zip(recognise(nets, &batch, params)?) {
            read[i] = Some(result);
        }
    }
    timings.recognise_ms = started.elapsed().as_millis() as u64;

    let back = 1.0 / scale;
    let (ww, wh) = (work.width as f32, work.height as f32);
    // Each box's bounds as the reader sees the page (turned back when upside down).
    let bounds: Vec<[f32; 4]> = boxes
        .iter()
        .map(|(rect, _)| {
            let corners = rect
                .corners()
                .map(|[x, y]| if upside_down { [ww - x, wh - y] } else { [x, y] });
            let xs = corners.map(|p| p[0]);
            let ys = corners.map(|p| p[1]);
            [
                xs.iter().copied().fold(f32::MAX, f32::min),
                ys.iter().copied().fold(f32::MAX, f32::min),
                xs.iter().copied().fold(f32::MIN, f32::max),
                ys.iter().copied().fold(f32::MIN, f32::max),
            ]
        })
        .collect();
    let tops: Vec<geometry::Point> = boxes
        .iter()
        .map(|(rect, _)| {
            if upside_down {
                let [x, y] = rect.corners()[2];
                [ww - x, wh - y]
            } else {
                rect.corners()[0]
            }
        })
        .collect();
    let rows = geometry::reading_order(&tops, 10.0);
    let mut lines = Vec::new();
    for i in geometry::keep_blocks_together(&bounds, &rows) {
        let Some((text, confidence)) = read[i].take() else {
            continue;
        };
        if text.trim().is_empty() || confidence < params.text_score {
            continue;
        }
        let quad = boxes[i].0.corners().map(|[x, y]| {
            [
                (x * back / width as f32).clamp(0.0, 1.0),
                (y * back / height as f32).clamp(0.0, 1.0),
            ]
        });
        lines.push(OcrLine { text, confidence, quad });
    }
    Ok(PageText {
        width,
        height,
        lines,
        timings,
    })
}

fn ratio(image: &Gray) -> f32 {
    image.width as f32 / image.height.max(1) as f32
}

/// Detection input size for a page: the shorter side up to `limit_side_len` (never down),
/// both sides rounded to multiples of 32.
pub fn detection_size(width: u32, height: u32, limit_side_len: u32) -> (u32, u32) {
    let short = width.min(height) as f32;
    let ratio = if short < limit_side_len as f32 {
        limit_side_len as f32 / short
    } else {
        1.0
    };
    let round32 = |v: f32| (((v.trunc() / 32.0).round() as u32) * 32).max(32);
    (round32(width as f32 * ratio), round32(height as f32 * ratio))
}

/// Normalised to the networks' range: `(v / 255 − 0.5) / 0.5`, grey copied to the three
/// channels, written into `out` at `offset` as a `3 × h × w` block padded to `padded_w`.
fn push_normalised(image: &Gray, padded_w: usize, out: &mut [f32]) {
    let (w, h) = (image.width as usize, image.height as usize);
    let plane = h * padded_w;
    for y in 0..h {
        for x in 0..w.min(padded_w) {
            let v = f32::from(image.pixels[y * w + x]) / 127.5 - 1.0;
            for c in 0..3 {
                out[c * plane + y * padded_w + x] = v;
            }
        }
    }
}

/// Text boxes on `page` (page pixels) with their scores, by the DB post-processing.
fn detect(nets: &mut dyn Nets, page: &Gray, params: &Params) -> Result<Vec<(RotatedRect, f32)>, OcrError> {
    let (dw, dh) = detection_size(page.width, page.height, params.limit_side_len);
    let input_image = page.resized(dw, dh);
    let mut data = vec![0.0f32; 3 * dw as usize * dh as usize];
    push_normalised(&input_image, dw as usize, &mut data);
    let output = nets.detect(Tensor {
        shape: vec![1, 3, dh as usize, dw as usize],
        data,
    })?;
    let [.., mh, mw] = output.shape[..] else {
        return Err(OcrError::Runtime(format!("检测模型输出的形状不对：{:?}", output.shape)));
    };
    if mh * mw != output.data.len() || mh == 0 || mw == 0 {
        return Err(OcrError::Runtime(format!("检测模型输出的形状不对：{:?}", output.shape)));
    }
    Ok(boxes_from_map(
        &output.data,
        mw,
        mh,
        page.width as f32 / mw as f32,
        page.height as f32 / mh as f32,
        params,
    ))
}

/// The DB post-processing: threshold, dilate, regions, smallest rectangles, score, unclip,
/// and the scale back to page pixels (`sx`, `sy` per map pixel).
pub fn boxes_from_map(
    map: &[f32],
    width: usize,
    height: usize,
    sx: f32,
    sy: f32,
    params: &Params,
) -> Vec<(RotatedRect, f32)> {
    let mut mask: Vec<u8> = map.iter().map(|&p| u8::from(p > params.thresh)).collect();
    if params.use_dilation {
        // 2 × 2 kernel anchored at its centre (OpenCV's default anchor for an even kernel
        // is (1, 1)): a pixel is set when it or its left, upper or upper-left neighbour is.
        let source = mask.clone();
        for y in 0..height {
            for x in 0..width {
                let at = |dx: usize, dy: usize| source[(y - dy) * width + (x - dx)] != 0;
                if source[y * width + x] == 0
                    && ((x > 0 && at(1, 0)) || (y > 0 && at(0, 1)) || (x > 0 && y > 0 && at(1, 1)))
                {
                    mask[y * width + x] = 1;
                }
            }
        }
    }
    let mut boxes = Vec::new();
    for region in geometry::regions(&mask, width, height, params.max_candidates) {
        let Some(rect) = geometry::min_area_rect(&region.outline()) else {
            continue;
        };
        if rect.short_side() < params.min_size {
            continue;
        }
        let score = geometry::mean_in_quad(map, width, height, &rect.corners());
        if score < params.box_thresh {
            continue;
        }
        let grown = rect.unclipped(params.unclip_ratio);
        if grown.short_side() < params.min_size + 2.0 {
            continue;
        }
        let limit_w = width as f32 * sx;
        let limit_h = height as f32 * sy;
        let mut page_rect = grown.scaled(sx, sy);
        // Kept within the page, as the reference clips its corners.
        page_rect.centre = [
            page_rect.centre[0].clamp(0.0, limit_w),
            page_rect.centre[1].clamp(0.0, limit_h),
        ];
        boxes.push((page_rect, score));
    }
    boxes
}

/// The text of a box, straightened and at the page's resolution; a box at least 1.5 times
/// taller than wide is turned a quarter turn (vertical writing, as the reference does).
pub fn straighten(page: &Gray, rect: &RotatedRect) -> Gray {
    let [tl, tr, _, bl] = rect.corners();
    let across = [tr[0] - tl[0], tr[1] - tl[1]];
    let down = [bl[0] - tl[0], bl[1] - tl[1]];
    let w = rect.width.round().max(1.0) as u32;
    let h = rect.height.round().max(1.0) as u32;
    let crop = page.crop(tl, across, down, w, h);
    if h as f32 / w as f32 >= 1.5 {
        crop.rotated_90_anticlockwise()
    } else {
        crop
    }
}

/// Which crops are upside down (the classifier's 180° with at least `cls_thresh`).
fn classify(nets: &mut dyn Nets, crops: &[Gray], params: &Params) -> Result<Vec<bool>, OcrError> {
    let (ch, cw) = params.cls_shape;
    let mut data = vec![0.0f32; crops.len() * 3 * (ch * cw) as usize];
    let block = 3 * (ch * cw) as usize;
    for (i, crop) in crops.iter().enumerate() {
        let w = ((ch as f32 * ratio(crop)).ceil() as u32).clamp(1, cw);
        push_normalised(&crop.resized(w, ch), cw as usize, &mut data[i * block..(i + 1) * block]);
    }
    let output = nets.classify(Tensor {
        shape: vec![crops.len(), 3, ch as usize, cw as usize],
        data,
    })?;
    if output.data.len() != crops.len() * 2 {
        return Err(OcrError::Runtime(format!(
            "方向分类模型输出的形状不对：{:?}",
            output.shape
        )));
    }
    Ok(output
        .data
        .chunks_exact(2)
        .map(|p| p[1] > p[0] && p[1] >= params.cls_thresh)
        .collect())
}

/// Text and confidence of each crop of one batch.
fn recognise(nets: &mut dyn Nets, crops: &[&Gray], params: &Params) -> Result<Vec<(String, f32)>, OcrError> {
    let (rh, rw) = params.rec_shape;
    let max_ratio = crops.iter().map(|c| ratio(c)).fold(rw as f32 / rh as f32, f32::max);
    let padded_w = (rh as f32 * max_ratio) as usize;
    let block = 3 * rh as usize * padded_w;
    let mut data = vec![0.0f32; crops.len() * block];
    for (i, crop) in crops.iter().enumerate() {
        let w = ((rh as f32 * ratio(crop)).ceil() as usize).clamp(1, padded_w);
        push_normalised(
            &crop.resized(w as u32, rh),
            padded_w,
            &mut data[i * block..(i + 1) * block],
        );
    }
    let output = nets.recognise(Tensor {
        shape: vec![crops.len(), 3, rh as usize, padded_w],
        data,
    })?;
    let [n, steps, classes] = output.shape[..] else {
        return Err(OcrError::Runtime(format!("识别模型输出的形状不对：{:?}", output.shape)));
    };
    if n != crops.len() || n * steps * classes != output.data.len() {
        return Err(OcrError::Runtime(format!("识别模型输出的形状不对：{:?}", output.shape)));
    }
    Ok(output
        .data
        .chunks_exact(steps * classes)
        .map(|probs| ctc_decode(probs, classes, nets.charset()))
        .collect())
}

/// Greedy CTC: the most likely class per step, repeats merged, blanks (0) dropped; the
/// confidence is the mean probability of the characters kept (0 for none). Class `k ≥ 1` is
/// `charset[k − 1]`; the class after the charset is a space.
pub fn ctc_decode(probs: &[f32], classes: usize, charset: &[String]) -> (String, f32) {
    let mut text = String::new();
    let mut kept = Vec::new();
    let mut previous = usize::MAX;
    for step in probs.chunks_exact(classes) {
        let (best, p) = step
            .iter()
            .copied()
            .enumerate()
            .fold((0, f32::MIN), |acc, (k, p)| if p > acc.1 { (k, p) } else { acc });
        if best != 0 && best != previous {
            match charset.get(best - 1) {
                Some(c) => text.push_str(c),
                None => text.push(' '),
            }
            kept.push(p);
        }
        previous = best;
    }
    let confidence = if kept.is_empty() {
        0.0
    } else {
        kept.iter().sum::<f32>() / kept.len() as f32
    };
    (text, confidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_size_rounds_to_32_and_only_grows_small_pages() {
        // An A4 page at 200 dpi after the 2 000 px cap: 1 414 × 2 000 → 1 408 × 2 016.
        assert_eq!(detection_size(1414, 2000, 736), (1408, 2016));
        // A small photo grows until its shorter side is 736.
        assert_eq!(detection_size(400, 300, 736), (992, 736));
    }

    #[test]
    fn ctc_merges_repeats_drops_blanks_and_averages_confidence() {
        let charset: Vec<String> = ["罚", "款", "元"].iter().map(|s| s.to_string()).collect();
        // classes: blank, 罚, 款, 元, space
        let steps = [
            [0.1, 0.9, 0.0, 0.0, 0.0], // 罚
            [0.2, 0.8, 0.0, 0.0, 0.0], // 罚 again: merged
            [0.9, 0.1, 0.0, 0.0, 0.0], // blank
            [0.3, 0.7, 0.0, 0.0, 0.0], // 罚 after a blank: kept
            [0.0, 0.0, 0.0, 0.0, 1.0], // space
            [0.0, 0.0, 0.0, 0.6, 0.4], // 元
        ];
        let flat: Vec<f32> = steps.iter().flatten().copied().collect();
        let (text, confidence) = ctc_decode(&flat, 5, &charset);
        assert_eq!(text, "罚罚 元");
        assert!((confidence - (0.9 + 0.7 + 1.0 + 0.6) / 4.0).abs() < 1e-6);
        assert_eq!(
            ctc_decode(&[1.0, 0.0, 0.0, 0.0, 0.0], 5, &charset),
            (String::new(), 0.0)
        );
    }

    #[test]
    fn two_text_blobs_on_a_map_become_two_boxes_in_page_pixels() {
        let (w, h) = (64, 32);
        let mut map = vec![0.0f32; w * h];
        for (x0, x1, y0, y1) in [(4, 30, 4, 10), (36, 60, 20, 27)] {
            for y in y0..=y1 {
                for x in x0..=x1 {
                    map[y * w + x] = 0.9;
                }
            }
        }
        let params = Params::default();
        let boxes = boxes_from_map(&map, w, h, 2.0, 2.0, &params);
        assert_eq!(boxes.len(), 2, "{boxes:?}");
        let (first, score) = &boxes[0];
        // The dilated rim (a column and a row of zeros) is inside the box: 0.9 · 27·7 / 28·8.
        assert!(*score > 0.7, "{score}");
        // 27 × 7 (dilation adds a column and a row) grown by 27·7·1.6/68 ≈ 4.4 a side, doubled.
        assert!((first.centre[0] - 2.0 * 17.5).abs() < 2.0, "{first:?}");
        assert!(first.width > 2.0 * 27.0 && first.height > 2.0 * 7.0, "{first:?}");
        // A faint blob (below box_thresh on average) is dropped.
        let faint: Vec<f32> = map.iter().map(|&p| if p > 0.0 { 0.35 } else { 0.0 }).collect();
        assert!(boxes_from_map(&faint, w, h, 1.0, 1.0, &params).is_empty());
    }
}
