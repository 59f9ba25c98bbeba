//! Canvas geometry in canvas units, shared by the model, the scene and the exports.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

impl Point {
    pub const fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }

    pub fn offset(self, dx: f32, dy: f32) -> Self {
        Self::new(self.x + dx, self.y + dy)
    }

    pub fn distance(self, other: Self) -> f32 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

/// An axis-aligned rectangle: top-left corner and size.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub const fn new(x: f32, y: f32, w: f32, h: f32) -> Self {
        Self { x, y, w, h }
    }

    pub fn from_min_max(min: Point, max: Point) -> Self {
        let (x0, x1) = (min.x.min(max.x), min.x.max(max.x));
        let (y0, y1) = (min.y.min(max.y), min.y.max(max.y));
        Self::new(x0, y0, x1 - x0, y1 - y0)
    }

    pub fn min(self) -> Point {
        Point::new(self.x, self.y)
    }

    pub fn max(self) -> Point {
        Point::new(self.x + self.w, self.y + self.h)
    }

    pub fn center(self) -> Point {
        Point::new(self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    pub fn contains(self, p: Point) -> bool {
        p.x >= self.x && p.y >= self.y && p.x <= self.x + self.w && p.y <= self.y + self.h
    }

    pub fn contains_rect(self, other: Self) -> bool {
        self.contains(other.min()) && self.contains(other.max())
    }

    pub fn intersects(self, other: Self) -> bool {
        self.x <= other.x + other.w
            && other.x <= self.x + self.w
            && self.y <= other.y + other.h
            && other.y <= self.y + self.h
    }

    pub fn translated(self, dx: f32, dy: f32) -> Self {
        Self::new(self.x + dx, self.y + dy, self.w, self.h)
    }

    pub fn expand(self, margin: f32) -> Self {
        Self::new(
            self.x - margin,
            self.y - margin,
            self.w + 2.0 * margin,
            self.h + 2.0 * margin,
        )
    }

    pub fn union(self, other: Self) -> Self {
        let min = Point::new(self.x.min(other.x), self.y.min(other.y));
        let max = Point::new(
            (self.x + self.w).max(other.x + other.w),
            (self.y + self.h).max(other.y + other.h),
        );
        Self::from_min_max(min, max)
    }

    pub fn area(self) -> f32 {
        self.w * self.h
    }

    pub fn is_finite(self) -> bool {
        self.x.is_finite() && self.y.is_finite() && self.w.is_finite() && self.h.is_finite()
    }

    /// Where the segment from the centre towards `toward` leaves the rectangle's border.
    pub fn border_point_toward(self, toward: Point) -> Point {
        let c = self.center();
        let (dx, dy) = (toward.x - c.x, toward.y - c.y);
        if dx == 0.0 && dy == 0.0 {
            return c;
        }
        let sx = if dx == 0.0 {
            f32::INFINITY
        } else {
            (self.w / 2.0) / dx.abs()
        };
        let sy = if dy == 0.0 {
            f32::INFINITY
        } else {
            (self.h / 2.0) / dy.abs()
        };
        let s = sx.min(sy);
        Point::new(c.x + dx * s, c.y + dy * s)
    }
}

/// Rectangles bucketed by a coarse grid, so that a query only looks at its neighbourhood:
/// placing the marks of every edge and routing around cards stay linear in the design.
#[derive(Clone, Debug, Default)]
pub struct RectGrid {
    rects: Vec<Rect>,
    cells: std::collections::HashMap<(i32, i32), Vec<usize>>,
    /// Rectangles too large to bucket (a card stretched across the canvas): checked always.
    large: Vec<usize>,
}

impl RectGrid {
    const CELL: f32 = 256.0;
    /// Beyond this many cells across, a rectangle goes to `large`.
    const MAX_SPAN: f32 = 32.0 * Self::CELL;

    fn bucketed(r: Rect) -> bool {
        r.is_finite() && r.w <= Self::MAX_SPAN && r.h <= Self::MAX_SPAN
    }

    fn cells_of(r: Rect) -> impl Iterator<Item = (i32, i32)> {
        let cell = |v: f32| (v / Self::CELL).floor() as i32;
        let (x0, x1) = (cell(r.x), cell(r.x + r.w));
        let (y0, y1) = (cell(r.y), cell(r.y + r.h));
        (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
    }

    pub fn insert(&mut self, r: Rect) {
        if !r.is_finite() {
            return;
        }
        let index = self.rects.len();
        self.rects.push(r);
        if !Self::bucketed(r) {
            self.large.push(index);
            return;
        }
        for cell in Self::cells_of(r) {
            self.cells.entry(cell).or_default().push(index);
        }
    }

    /// How many rectangles overlapping `r` pass `hit` (counting stops past `limit`), with no
    /// allocation: the router asks this for every segment of every line it weighs. A
    /// rectangle in several of the cells is counted only in the cell holding the top-left
    /// corner of its overlap with `r`.
    pub fn count(&self, r: Rect, limit: usize, hit: impl Fn(Rect) -> bool) -> usize {
        const MAX_CELLS: i64 = 4096;
        let cell = |v: f32| (v / Self::CELL).floor() as i32;
        let (x0, x1) = (cell(r.x), cell(r.x + r.w));
        let (y0, y1) = (cell(r.y), cell(r.y + r.h));
        let cells = (i64::from(x1) - i64::from(x0) + 1) * (i64::from(y1) - i64::from(y0) + 1);
        let large = self.large.iter().filter(|&&i| hit(self.rects[i])).count();
        if !r.is_finite() || cells > MAX_CELLS {
            let bucketed = self.rects.iter().enumerate();
            let small = bucketed
                .filter(|(i, q)| !self.large.contains(i) && hit(**q))
                .count();
            return small + large;
        }
        let mut found = 0;
        for x in x0..=x1 {
            for y in y0..=y1 {
                for &i in self.cells.get(&(x, y)).into_iter().flatten() {
                    let q = self.rects[i];
                    let corner = (cell(q.x.max(r.x)), cell(q.y.max(r.y)));
                    if corner == (x, y) && hit(q) {
                        found += 1;
                        if found + large > limit {
                            return found + large;
                        }
                    }
                }
            }
        }
        found + large
    }

    /// The rectangles in the cells `r` touches, each once, in insertion order.
    pub fn near(&self, r: Rect) -> impl Iterator<Item = Rect> + '_ {
        let mut found: Vec<usize> = if Self::bucketed(r) {
            Self::cells_of(r)
                .filter_map(|cell| self.cells.get(&cell))
                .flatten()
                .copied()
                .collect()
        } else {
            (0..self.rects.len()).collect()
        };
        found.extend(&self.large);
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|i| self.rects[i])
    }
}

/// Rounds `value` to the nearest multiple of `step` (grid snapping).
pub fn snap(value: f32, step: f32) -> f32 {
    if step <= 0.0 {
        value
    } else {
        (value / step).round() * step
    }
}

/// Distance from `p` to the segment `a`–`b` (hit testing of connections).
pub fn distance_to_segment(p: Point, a: Point, b: Point) -> f32 {
    let (abx, aby) = (b.x - a.x, b.y - a.y);
    let len_sq = abx * abx + aby * aby;
    if len_sq == 0.0 {
        return p.distance(a);
    }
    let t = (((p.x - a.x) * abx + (p.y - a.y) * aby) / len_sq).clamp(0.0, 1.0);
    p.distance(Point::new(a.x + t * abx, a.y + t * aby))
}

/// The part of segment `a`–`b` inside `rect` (Liang–Barsky), or `None` when it misses it.
/// The canvas draws only this part, so a long line across a huge design costs no more than a
/// short one.
pub fn clip_segment(a: Point, b: Point, rect: Rect) -> Option<(Point, Point)> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let (mut t0, mut t1) = (0.0f32, 1.0f32);
    for (p, q) in [
        (-dx, a.x - rect.x),
        (dx, rect.x + rect.w - a.x),
        (-dy, a.y - rect.y),
        (dy, rect.y + rect.h - a.y),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
            continue;
        }
        let t = q / p;
        if p < 0.0 {
            t0 = t0.max(t);
        } else {
            t1 = t1.min(t);
        }
        if t0 > t1 {
            return None;
        }
    }
    Some((
        Point::new(a.x + t0 * dx, a.y + t0 * dy),
        Point::new(a.x + t1 * dx, a.y + t1 * dy),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapping_rounds_to_the_grid() {
        assert_eq!(snap(17.0, 10.0), 20.0);
        assert_eq!(snap(14.9, 10.0), 10.0);
        assert_eq!(snap(-6.0, 10.0), -10.0);
        assert_eq!(snap(3.3, 0.0), 3.3);
    }

    #[test]
    fn border_point_lies_on_the_edge_facing_the_target() {
        let r = Rect::new(0.0, 0.0, 100.0, 50.0);
        assert_eq!(
            r.border_point_toward(Point::new(500.0, 25.0)),
            Point::new(100.0, 25.0)
        );
        assert_eq!(
            r.border_point_toward(Point::new(50.0, -300.0)),
            Point::new(50.0, 0.0)
        );
        assert_eq!(r.border_point_toward(r.center()), r.center());
    }

    #[test]
    fn clipping_keeps_only_the_part_inside() {
        let r = Rect::new(0.0, 0.0, 10.0, 10.0);
        let inside = (Point::new(1.0, 1.0), Point::new(9.0, 9.0));
        assert_eq!(clip_segment(inside.0, inside.1, r), Some(inside));
        assert_eq!(
            clip_segment(Point::new(-10.0, 5.0), Point::new(20.0, 5.0), r),
            Some((Point::new(0.0, 5.0), Point::new(10.0, 5.0)))
        );
        assert_eq!(
            clip_segment(Point::new(-10.0, -10.0), Point::new(-1.0, 20.0), r),
            None
        );
        assert_eq!(
            clip_segment(Point::new(20.0, 0.0), Point::new(20.0, 10.0), r),
            None
        );
    }

    #[test]
    fn segment_distance_clamps_to_the_ends() {
        let (a, b) = (Point::new(0.0, 0.0), Point::new(10.0, 0.0));
        assert_eq!(distance_to_segment(Point::new(5.0, 3.0), a, b), 3.0);
        assert_eq!(distance_to_segment(Point::new(13.0, 4.0), a, b), 5.0);
    }

    #[test]
    fn containment_and_intersection() {
        let outer = Rect::new(0.0, 0.0, 100.0, 100.0);
        assert!(outer.contains_rect(Rect::new(10.0, 10.0, 20.0, 20.0)));
        assert!(!outer.contains_rect(Rect::new(90.0, 10.0, 20.0, 20.0)));
        assert!(outer.intersects(Rect::new(90.0, 10.0, 20.0, 20.0)));
        assert!(!outer.intersects(Rect::new(101.0, 0.0, 5.0, 5.0)));
    }

    #[test]
    fn the_grid_finds_neighbours_across_cells_and_keeps_huge_rectangles_apart() {
        let mut grid = RectGrid::default();
        grid.insert(Rect::new(250.0, 250.0, 20.0, 20.0));
        grid.insert(Rect::new(5000.0, 5000.0, 10.0, 10.0));
        // A card stretched over a hostile extent is not bucketed cell by cell.
        grid.insert(Rect::new(0.0, 0.0, 1.0e9, 1.0e9));
        let near: Vec<Rect> = grid.near(Rect::new(240.0, 240.0, 30.0, 30.0)).collect();
        assert_eq!(near.len(), 2, "{near:?}");
        assert_eq!(near[0], Rect::new(250.0, 250.0, 20.0, 20.0));
        assert_eq!(grid.near(Rect::new(f32::NAN, 0.0, 1.0, 1.0)).count(), 3);
        // Counting sees each rectangle once, however many cells it spans.
        let wide = Rect::new(0.0, 255.0, 6000.0, 1.0);
        let mut grid2 = RectGrid::default();
        grid2.insert(Rect::new(100.0, 100.0, 1000.0, 1000.0));
        grid2.insert(Rect::new(3000.0, 200.0, 20.0, 100.0));
        assert_eq!(grid2.count(wide, usize::MAX, |r| r.intersects(wide)), 2);
        assert_eq!(grid2.count(wide, 0, |r| r.intersects(wide)), 1);
        assert_eq!(grid2.count(wide, usize::MAX, |r| r.w > 500.0), 1);
        assert_eq!(
            grid.count(Rect::new(240.0, 240.0, 30.0, 30.0), usize::MAX, |_| true),
            2
        );
    }
}
