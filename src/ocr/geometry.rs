//! The geometry of text boxes: regions of a detection map (8-connected), their smallest
//! enclosing rotated rectangle, the DB "unclip" that grows a shrunk text kernel back to the
//! text's extent, a box's mean score, and reading order.
//!
//! Pure arithmetic, unit-tested on hand-made masks.

/// A point in pixels (x right, y down).
pub type Point = [f32; 2];

/// A rotated rectangle: centre, the unit vector along its `width` (pointing right, within
/// 45° of the x axis) and the sizes along it and across it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RotatedRect {
    /// Centre.
    pub centre: Point,
    /// Unit vector along the width (`axis[0] > 0`, `|axis[1]| <= |axis[0]|`).
    pub axis: Point,
    /// Extent along `axis`.
    pub width: f32,
    /// Extent across `axis`.
    pub height: f32,
}

impl RotatedRect {
    /// The unit vector across the width, pointing down the page.
    pub fn down(&self) -> Point {
        [-self.axis[1], self.axis[0]]
    }

    /// Corners: top-left, top-right, bottom-right, bottom-left (as the reader sees them).
    pub fn corners(&self) -> [Point; 4] {
        let [ax, ay] = self.axis;
        let [dx, dy] = self.down();
        let (hw, hh) = (self.width / 2.0, self.height / 2.0);
        let [cx, cy] = self.centre;
        [
            [cx - ax * hw - dx * hh, cy - ay * hw - dy * hh],
            [cx + ax * hw - dx * hh, cy + ay * hw - dy * hh],
            [cx + ax * hw + dx * hh, cy + ay * hw + dy * hh],
            [cx - ax * hw + dx * hh, cy - ay * hw + dy * hh],
        ]
    }

    /// The shorter side.
    pub fn short_side(&self) -> f32 {
        self.width.min(self.height)
    }

    /// Grown by the DB unclip: the offset `d = area · ratio / perimeter` on every side. (The
    /// rectangle offset by `d` with round joins has this rectangle as its smallest enclosing
    /// rectangle, which is what the reference takes after the offset.)
    pub fn unclipped(&self, ratio: f32) -> Self {
        let perimeter = 2.0 * (self.width + self.height);
        if perimeter <= 0.0 {
            return *self;
        }
        let d = self.width * self.height * ratio / perimeter;
        Self {
            width: self.width + 2.0 * d,
            height: self.height + 2.0 * d,
            ..*self
        }
    }

    /// Scaled by `sx`, `sy` (from detection-map pixels to page pixels). Exact for the axis-
    /// aligned case and for the small tilts of a scanned page.
    pub fn scaled(&self, sx: f32, sy: f32) -> Self {
        let corners = self.corners().map(|[x, y]| [x * sx, y * sy]);
        let across = [corners[1][0] - corners[0][0], corners[1][1] - corners[0][1]];
        let down = [corners[3][0] - corners[0][0], corners[3][1] - corners[0][1]];
        let width = across[0].hypot(across[1]);
        let height = down[0].hypot(down[1]);
        let axis = if width > 0.0 {
            [across[0] / width, across[1] / width]
        } else {
            [1.0, 0.0]
        };
        Self {
            centre: [self.centre[0] * sx, self.centre[1] * sy],
            axis,
            width,
            height,
        }
    }
}

/// A region of a mask: for every row it touches, the leftmost and rightmost pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// `(y, x_min, x_max)`, one per row, top to bottom.
    pub rows: Vec<(u32, u32, u32)>,
}

impl Region {
    /// The outline points whose convex hull is the region's (row ends, as pixel centres).
    pub fn outline(&self) -> Vec<Point> {
        let mut points = Vec::with_capacity(self.rows.len() * 2);
        for &(y, x0, x1) in &self.rows {
            points.push([x0 as f32, y as f32]);
            if x1 != x0 {
                points.push([x1 as f32, y as f32]);
            }
        }
        points
    }
}

/// The 8-connected regions of the non-zero pixels of `mask` (`width × height`), in the order
/// their first pixel is met scanning rows; at most `limit` of them.
pub fn regions(mask: &[u8], width: usize, height: usize, limit: usize) -> Vec<Region> {
    let mut seen = vec![false; mask.len()];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    let mut ends: std::collections::BTreeMap<u32, (u32, u32)> = std::collections::BTreeMap::new();
    for start in 0..mask.len() {
        if mask[start] == 0 || seen[start] {
            continue;
        }
        if out.len() == limit {
            break;
        }
        seen[start] = true;
        stack.push(start);
        ends.clear();
        while let Some(at) = stack.pop() {
            let (x, y) = (at % width, at / width);
            let (xu, yu) = (x as u32, y as u32);
            ends.entry(yu)
                .and_modify(|e| {
                    e.0 = e.0.min(xu);
                    e.1 = e.1.max(xu);
                })
                .or_insert((xu, xu));
            let y_lo = y.saturating_sub(1);
            let y_hi = (y + 1).min(height - 1);
            let x_lo = x.saturating_sub(1);
            let x_hi = (x + 1).min(width - 1);
            for ny in y_lo..=y_hi {
                for nx in x_lo..=x_hi {
                    let next = ny * width + nx;
                    if mask[next] != 0 && !seen[next] {
                        seen[next] = true;
                        stack.push(next);
                    }
                }
            }
        }
        out.push(Region {
            rows: ends.iter().map(|(&y, &(a, b))| (y, a, b)).collect(),
        });
    }
    out
}

fn cross(o: Point, a: Point, b: Point) -> f32 {
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
}

/// The convex hull (Andrew's monotone chain), anticlockwise in y-up terms, no repeated point.
pub fn convex_hull(points: &[Point]) -> Vec<Point> {
    let mut pts = points.to_vec();
    pts.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    let mut hull: Vec<Point> = Vec::with_capacity(pts.len() * 2);
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &Point>> = if pass == 0 {
            Box::new(pts.iter())
        } else {
            Box::new(pts.iter().rev())
        };
        for &p in iter {
            while hull.len() >= start + 2 && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0 {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop();
    }
    hull
}

/// The smallest-area rectangle enclosing `points` (rotating calipers over the hull's edges),
/// normalised so that its axis is the side nearer the x axis. `None` for no points.
pub fn min_area_rect(points: &[Point]) -> Option<RotatedRect> {
    let hull = convex_hull(points);
    match hull.len() {
        0 => return None,
        1 => {
            return Some(RotatedRect {
                centre: hull[0],
                axis: [1.0, 0.0],
                width: 0.0,
                height: 0.0,
            });
        }
        _ => {}
    }
    let mut best: Option<(f32, Point, f32, f32, f32, f32)> = None;
    for i in 0..hull.len() {
        let a = hull[i];
        let b = hull[(i + 1) % hull.len()];
        let len = (b[0] - a[0]).hypot(b[1] - a[1]);
        if len == 0.0 {
            continue;
        }
        let u = [(b[0] - a[0]) / len, (b[1] - a[1]) / len];
        let v = [-u[1], u[0]];
        let (mut u0, mut u1, mut v0, mut v1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for p in &hull {
            let pu = p[0] * u[0] + p[1] * u[1];
            let pv = p[0] * v[0] + p[1] * v[1];
            u0 = u0.min(pu);
            u1 = u1.max(pu);
            v0 = v0.min(pv);
            v1 = v1.max(pv);
        }
        let area = (u1 - u0) * (v1 - v0);
        if best.as_ref().is_none_or(|b| area < b.0) {
            best = Some((area, u, u0, u1, v0, v1));
        }
    }
    let (_, u, u0, u1, v0, v1) = best?;
    let v = [-u[1], u[0]];
    let cu = (u0 + u1) / 2.0;
    let cv = (v0 + v1) / 2.0;
    let centre = [u[0] * cu + v[0] * cv, u[1] * cu + v[1] * cv];
    Some(normalised(centre, u, u1 - u0, v1 - v0))
}

/// The same rectangle described with its axis within 45° of the x axis, pointing right.
fn normalised(centre: Point, u: Point, along: f32, across: f32) -> RotatedRect {
    let (mut axis, width, height) = if u[0].abs() >= u[1].abs() {
        (u, along, across)
    } else {
        ([-u[1], u[0]], across, along)
    };
    if axis[0] < 0.0 {
        axis = [-axis[0], -axis[1]];
    }
    RotatedRect {
        centre,
        axis,
        width,
        height,
    }
}

/// The mean of `map` (`width × height`) over the pixels whose centres lie in the convex
/// quadrilateral `quad` (the reference's "fast" box score). 0 when none does.
pub fn mean_in_quad(map: &[f32], width: usize, height: usize, quad: &[Point; 4]) -> f32 {
    let xs = quad.map(|p| p[0]);
    let ys = quad.map(|p| p[1]);
    let clamp = |v: f32, hi: usize| (v.max(0.0) as usize).min(hi.saturating_sub(1));
    let x0 = clamp(xs.iter().copied().fold(f32::MAX, f32::min).floor(), width);
    let x1 = clamp(xs.iter().copied().fold(f32::MIN, f32::max).ceil(), width);
    let y0 = clamp(ys.iter().copied().fold(f32::MAX, f32::min).floor(), height);
    let y1 = clamp(ys.iter().copied().fold(f32::MIN, f32::max).ceil(), height);
    // Inside when on the same side of all four edges (either winding).
    let inside = |p: Point| {
        let mut sign = 0.0f32;
        for i in 0..4 {
            let c = cross(quad[i], quad[(i + 1) % 4], p);
            if c != 0.0 {
                if sign != 0.0 && c.signum() != sign {
                    return false;
                }
                sign = c.signum();
            }
        }
        true
    };
    let (mut sum, mut count) = (0.0f64, 0u64);
    for y in y0..=y1 {
        for x in x0..=x1 {
            if inside([x as f32, y as f32]) {
                sum += f64::from(map[y * width + x]);
                count += 1;
            }
        }
    }
    if count == 0 { 0.0 } else { (sum / count as f64) as f32 }
}

/// Reading order of boxes by their top-left corners: top to bottom, and left to right among
/// boxes whose tops are within `same_line` pixels (the reference's bubble pass, kept stable).
pub fn reading_order(tops: &[Point], same_line: f32) -> Vec<usize> {
    let mut order: Vec<usize> = (0..tops.len()).collect();
    order.sort_by(|&a, &b| {
        tops[a][1]
            .total_cmp(&tops[b][1])
            .then(tops[a][0].total_cmp(&tops[b][0]))
    });
    for i in 0..order.len().saturating_sub(1) {
        let mut j = i;
        while j < order.len() - 1 {
            let (a, b) = (tops[order[j]], tops[order[j + 1]]);
            if (b[1] - a[1]).abs() < same_line && b[0] < a[0] {
                order.swap(j, j + 1);
                if j == 0 {
                    break;
                }
                j -= 1;
            } else {
                break;
            }
        }
    }
    order
}

/// Keeps the wrapped text of a table cell together, which row-by-row order would interleave
/// with the neighbouring cells' text: a line directly under another (the gap under half a
/// line, overlapping it across by half the narrower one, no wider than it) continues it when
/// that line was stopped by a cell border — another box starts on its row within one and a
/// half line heights of its end. (Label and value of a form row are further apart, and a
/// paragraph's lines end at the margin, so both keep row order.) Blocks keep the order of
/// their first lines. `bounds` are `[x0, y0, x1, y1]` in reading coordinates; `order` is the
/// row-by-row order.
pub fn keep_blocks_together(bounds: &[[f32; 4]], order: &[usize]) -> Vec<usize> {
    let mut blocks: Vec<Vec<usize>> = Vec::new();
    for &line in order {
        let [x0, y0, x1, _] = bounds[line];
        let continues = blocks.iter().rposition(|block| {
            let last = bounds[block[block.len() - 1]];
            let height = last[3] - last[1];
            let gap = y0 - last[3];
            let overlap = x1.min(last[2]) - x0.max(last[0]);
            let narrower = (x1 - x0).min(last[2] - last[0]);
            let stopped = bounds.iter().any(|other| {
                let same_row = other[3].min(last[3]) - other[1].max(last[1]) > height / 2.0;
                let after = other[0] - last[2];
                same_row && (0.0..=1.5 * height).contains(&after)
            });
            y0 > last[1] + height / 2.0
                && gap < height / 2.0
                && overlap > narrower / 2.0
                && x1 - x0 <= (last[2] - last[0]) * 1.05
                && stopped
        });
        match continues {
            Some(b) => blocks[b].push(line),
            None => blocks.push(vec![line]),
        }
    }
    blocks.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(rows: &[&str]) -> (Vec<u8>, usize, usize) {
        let width = rows[0].len();
        let data = rows
            .iter()
            .flat_map(|r| r.bytes().map(|b| u8::from(b == b'#')))
            .collect();
        (data, width, rows.len())
    }

    #[test]
    fn regions_are_eight_connected_and_keep_row_ends() {
        let (m, w, h) = mask(&["##....#", ".##...#", "...#...", ".......", "###...."]);
        let found = regions(&m, w, h, 100);
        assert_eq!(found.len(), 3, "{found:?}");
        // The diagonal staircase is one region (touching corners connect).
        assert_eq!(found[0].rows, vec![(0, 0, 1), (1, 1, 2), (2, 3, 3)]);
        assert_eq!(found[1].rows, vec![(0, 6, 6), (1, 6, 6)]);
        assert_eq!(found[2].rows, vec![(4, 0, 2)]);
        assert_eq!(regions(&m, w, h, 2).len(), 2, "the limit holds");
    }

    #[test]
    fn the_min_area_rect_of_an_axis_aligned_block_is_the_block() {
        let points: Vec<Point> = (0..5)
            .flat_map(|y| [[10.0, y as f32 + 20.0], [40.0, y as f32 + 20.0]])
            .collect();
        let rect = min_area_rect(&points).unwrap();
        assert!(
            (rect.width - 30.0).abs() < 1e-3 && (rect.height - 4.0).abs() < 1e-3,
            "{rect:?}"
        );
        assert!((rect.centre[0] - 25.0).abs() < 1e-3 && (rect.centre[1] - 22.0).abs() < 1e-3);
        assert!((rect.axis[0] - 1.0).abs() < 1e-6);
        let [tl, tr, br, bl] = rect.corners();
        assert_eq!(tl.map(f32::round), [10.0, 20.0]);
        assert_eq!(tr.map(f32::round), [40.0, 20.0]);
        assert_eq!(br.map(f32::round), [40.0, 24.0]);
        assert_eq!(bl.map(f32::round), [10.0, 24.0]);
    }

    #[test]
    fn a_tilted_line_gets_a_tilted_rectangle_read_left_to_right() {
        // A 100 × 10 bar turned by 1°: the rectangle follows the tilt, not the bounding box.
        let angle = 1.0f32.to_radians();
        let (c, s) = (angle.cos(), angle.sin());
        let mut points = Vec::new();
        for i in 0..=100 {
            for j in [0.0, 10.0] {
                let (x, y) = (i as f32, j);
                points.push([x * c - y * s, x * s + y * c]);
            }
        }
        let rect = min_area_rect(&points).unwrap();
        assert!(
            (rect.width - 100.0).abs() < 0.1 && (rect.height - 10.0).abs() < 0.1,
            "{rect:?}"
        );
        assert!((rect.axis[1] - s).abs() < 1e-3, "{rect:?}");
        let [tl, tr, _, bl] = rect.corners();
        assert!(tl[0] < tr[0] && tl[1] < bl[1]);
    }

    #[test]
    fn a_tall_block_is_described_across() {
        let points = [[0.0, 0.0], [4.0, 0.0], [4.0, 30.0], [0.0, 30.0]];
        let rect = min_area_rect(&points).unwrap();
        assert!(rect.axis[0] > 0.99, "axis stays near x: {rect:?}");
        assert!((rect.width - 4.0).abs() < 1e-3 && (rect.height - 30.0).abs() < 1e-3);
    }

    #[test]
    fn unclip_grows_each_side_by_area_times_ratio_over_perimeter() {
        let rect = RotatedRect {
            centre: [50.0, 50.0],
            axis: [1.0, 0.0],
            width: 30.0,
            height: 10.0,
        };
        let grown = rect.unclipped(1.6);
        // d = 300 · 1.6 / 80 = 6.
        assert!((grown.width - 42.0).abs() < 1e-4 && (grown.height - 22.0).abs() < 1e-4);
        assert_eq!(grown.centre, rect.centre);
    }

    #[test]
    fn the_box_score_averages_inside_the_quad_only() {
        let (w, h) = (10, 10);
        let mut map = vec![0.0f32; w * h];
        for y in 2..=4 {
            for x in 2..=6 {
                map[y * w + x] = 1.0;
            }
        }
        let inner = [[2.0, 2.0], [6.0, 2.0], [6.0, 4.0], [2.0, 4.0]];
        assert!((mean_in_quad(&map, w, h, &inner) - 1.0).abs() < 1e-6);
        let outer = [[0.0, 0.0], [9.0, 0.0], [9.0, 9.0], [0.0, 9.0]];
        assert!((mean_in_quad(&map, w, h, &outer) - 0.15).abs() < 1e-6);
    }

    #[test]
    fn wrapped_table_cells_are_read_cell_by_cell() {
        // A row of three cells, the first two wrapped on two lines, then a line across.
        let bounds = [
            [10.0, 100.0, 200.0, 120.0],  // 0: first cell, line 1 (stopped by the border)
            [220.0, 100.0, 400.0, 120.0], // 1: second cell, line 1
            [420.0, 100.0, 500.0, 120.0], // 2: third cell
            [10.0, 124.0, 80.0, 144.0],   // 3: first cell, line 2
            [220.0, 124.0, 300.0, 144.0], // 4: second cell, line 2
            [10.0, 200.0, 500.0, 220.0],  // 5: after the table
        ];
        assert_eq!(
            keep_blocks_together(&bounds, &[0, 1, 2, 3, 4, 5]),
            vec![0, 3, 1, 4, 2, 5]
        );
        // A form's labels and values, far apart: row by row.
        let form = [
            [10.0, 0.0, 80.0, 20.0],
            [200.0, 0.0, 400.0, 20.0],
            [10.0, 24.0, 70.0, 44.0],
            [200.0, 24.0, 300.0, 44.0],
        ];
        assert_eq!(keep_blocks_together(&form, &[0, 1, 2, 3]), vec![0, 1, 2, 3]);
        // A paragraph's lines end at the margin: in order.
        let paragraph = [
            [40.0, 0.0, 500.0, 20.0],
            [10.0, 24.0, 500.0, 44.0],
            [10.0, 48.0, 200.0, 68.0],
        ];
        assert_eq!(keep_blocks_together(&paragraph, &[0, 1, 2]), vec![0, 1, 2]);
    }

    #[test]
    fn reading_order_goes_down_the_page_and_along_each_line() {
        // Two lines; on the second, the right box's top is 3 px higher than the left's.
        let tops = [[300.0, 103.0], [10.0, 10.0], [10.0, 106.0], [200.0, 12.0]];
        assert_eq!(reading_order(&tops, 10.0), vec![1, 3, 2, 0]);
    }
}
