//! Where a connection's line runs: straight, or in horizontal and vertical segments (elbows)
//! that go around cards, through the waypoints the user dragged it to. The scene routes every
//! connection once; the canvas re-routes only those touching a node being dragged.

use crate::model::geometry::RectGrid;
use crate::model::{Point, Rect, Routing};

/// How far an elbow line leaves a card straight before it may turn.
pub const STUB: f32 = 16.0;
/// The clearance an elbow line keeps from the cards it passes.
const CLEARANCE: f32 = 14.0;
/// What a bend costs, in canvas units of length: a longer line with fewer bends reads better.
const BEND_COST: f32 = 40.0;
/// What passing through a card costs: more than any detour.
const CROSSING_COST: f32 = 100_000.0;
/// A line crossing more cards than this does not look for detours around them: a long
/// connection across a crowded design costs no more than a short one.
const MAX_DETOUR_CARDS: usize = 3;
/// A line whose best so far crosses a crowd of cards stops looking after this many tries.
const CROWD_CHECKS: usize = 24;
/// How many times a blocked line looks for detours around the cards still in its way.
const DETOUR_ROUNDS: usize = 3;

/// The line of a connection from `from` to `to` (the rectangles of its ends), in canvas
/// units: at least two points, the first on `from`'s border and the last on `to`'s.
/// `cards` are the rectangles an elbow line goes around (the ends among them).
pub fn route(
    from: Rect,
    to: Rect,
    routing: Routing,
    waypoints: &[Point],
    cards: &RectGrid,
) -> Vec<Point> {
    match routing {
        Routing::Straight => straight(from, to, waypoints),
        Routing::Orthogonal => orthogonal(from, to, waypoints, cards),
    }
}

fn straight(from: Rect, to: Rect, waypoints: &[Point]) -> Vec<Point> {
    let first = waypoints.first().copied().unwrap_or(to.center());
    let last = waypoints.last().copied().unwrap_or(from.center());
    let mut points = Vec::with_capacity(waypoints.len() + 2);
    points.push(from.border_point_toward(first));
    points.extend_from_slice(waypoints);
    points.push(to.border_point_toward(last));
    points
}

fn orthogonal(from: Rect, to: Rect, waypoints: &[Point], cards: &RectGrid) -> Vec<Point> {
    let stops: Vec<Rect> = std::iter::once(from)
        .chain(waypoints.iter().map(|p| Rect::new(p.x, p.y, 0.0, 0.0)))
        .chain(std::iter::once(to))
        .collect();
    let mut points: Vec<Point> = Vec::new();
    for pair in stops.windows(2) {
        let heading = match points.as_slice() {
            [.., a, b] => Some((b.x - a.x, b.y - a.y)),
            _ => None,
        };
        let hop = hop(pair[0], pair[1], heading, cards);
        // Each hop starts where the previous one ended (a waypoint).
        let skip = usize::from(!points.is_empty());
        points.extend(hop.into_iter().skip(skip));
    }
    // Not simplified across hops: a waypoint stays a point of the line even where the line
    // runs straight through it, so the canvas can find it.
    points
}

/// A side of a rectangle a line leaves or enters by, as the outward direction.
#[derive(Clone, Copy)]
struct Side(f32, f32);

const SIDES: [Side; 4] = [
    Side(1.0, 0.0),
    Side(-1.0, 0.0),
    Side(0.0, 1.0),
    Side(0.0, -1.0),
];

/// The middle of a side, and the point a stub's length out from it.
fn port(r: Rect, side: Side) -> (Point, Point) {
    if r.w <= 0.0 && r.h <= 0.0 {
        // A waypoint: the line passes through it, turning as it likes.
        let p = r.min();
        return (p, p);
    }
    let c = r.center();
    let on_border = Point::new(c.x + side.0 * r.w / 2.0, c.y + side.1 * r.h / 2.0);
    (on_border, on_border.offset(side.0 * STUB, side.1 * STUB))
}

/// The best elbow line from `a` to `b` (either may be a point): every pair of sides, each
/// joined by one or two turns, the cheapest kept. Detours around the cards in the way are
/// tried only when no simple line is clear.
/// `heading` is the direction the line arrives at `a` in (at a waypoint): turning there costs
/// a bend, and turning back more, so the line runs on through the waypoint where it can.
fn hop(a: Rect, b: Rect, heading: Option<(f32, f32)>, cards: &RectGrid) -> Vec<Point> {
    // Lines around the two ends themselves (for a U-turn), and halfway between them.
    let mut xs = vec![a.x - STUB, a.x + a.w + STUB, b.x - STUB, b.x + b.w + STUB];
    let mut ys = vec![a.y - STUB, a.y + a.h + STUB, b.y - STUB, b.y + b.h + STUB];
    let mut best = cheapest(a, b, heading, false, &xs, &ys, cards);
    // A line blocked by a few cards detours around them, and around those its detour meets
    // in turn; one that crosses a crowd (a long association across the whole design) keeps
    // the fewest crossings it found.
    for _ in 0..DETOUR_ROUNDS {
        let crossed = (best.1 / CROSSING_COST) as usize;
        if crossed == 0 || crossed > MAX_DETOUR_CARDS {
            break;
        }
        for segment in best.0.windows(2) {
            let span = Rect::from_min_max(segment[0], segment[1]);
            for card in cards.near(span).filter(|c| crosses_inside(span, *c)) {
                xs.extend([card.x - CLEARANCE, card.x + card.w + CLEARANCE]);
                ys.extend([card.y - CLEARANCE, card.y + card.h + CLEARANCE]);
            }
        }
        best = cheapest(a, b, heading, true, &xs, &ys, cards);
    }
    best.0
}

/// At most this many candidate lines per hop are checked against the cards (cheapest first;
/// a hop with detours has up to 16 × 108); where all of them cross some card, the least
/// crossing one stands.
const MAX_CHECKED: usize = 2048;

/// The cheapest line over the pairs of sides (only those facing each other unless `all_sides`),
/// turning at the given lines or halfway. Lines are checked against the cards in order of
/// their length and bends, and checking stops at the first line whose length and bends alone
/// cost more than the best clear one.
#[allow(clippy::too_many_arguments)]
fn cheapest(
    a: Rect,
    b: Rect,
    heading: Option<(f32, f32)>,
    all_sides: bool,
    xs: &[f32],
    ys: &[f32],
    cards: &RectGrid,
) -> (Vec<Point>, f32) {
    // The sides a line may leave `r` by towards `other`: all four for a point or a detour,
    // else those that do not face away.
    let sides = |r: Rect, other: Rect| -> Vec<Side> {
        if r.w <= 0.0 && r.h <= 0.0 {
            return SIDES[..1].to_vec();
        }
        let (c, o) = (r.center(), other.center());
        let facing = |side: &Side| {
            // How far the other end's centre lies ahead of this side's centre line.
            let ahead = side.0 * (o.x - c.x) + side.1 * (o.y - c.y);
            let half = (side.0.abs() * r.w + side.1.abs() * r.h) / 2.0;
            all_sides || ahead >= -half
        };
        SIDES.iter().copied().filter(facing).collect()
    };
    let mut lines: Vec<(f32, Line)> = Vec::new();
    let mut consider = |points: &[Point]| {
        let line = Line::simplified(points);
        let turn = match (heading, line.points()) {
            (Some((hx, hy)), [p, q, ..]) => {
                let along = hx * (q.x - p.x) + hy * (q.y - p.y);
                if along > 0.0 {
                    0.0
                } else if along < 0.0 {
                    3.0 * BEND_COST
                } else {
                    BEND_COST
                }
            }
            _ => 0.0,
        };
        lines.push((length_and_bends(line.points()) + turn, line));
    };
    for exit in sides(a, b) {
        let (p0, s0) = port(a, exit);
        for entry in sides(b, a) {
            let (q0, t0) = port(b, entry);
            consider(&[p0, s0, Point::new(t0.x, s0.y), t0, q0]);
            consider(&[p0, s0, Point::new(s0.x, t0.y), t0, q0]);
            let half = Point::new((s0.x + t0.x) / 2.0, (s0.y + t0.y) / 2.0);
            for &x in xs.iter().chain([&half.x]) {
                consider(&[p0, s0, Point::new(x, s0.y), Point::new(x, t0.y), t0, q0]);
            }
            for &y in ys.iter().chain([&half.y]) {
                consider(&[p0, s0, Point::new(s0.x, y), Point::new(t0.x, y), t0, q0]);
            }
        }
    }
    // A stable sort: equal costs keep the order above, so the result is deterministic.
    lines.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut best: (Option<Line>, f32) = (None, f32::INFINITY);
    for (checked, (base, line)) in lines.into_iter().take(MAX_CHECKED).enumerate() {
        let crowded = best.1 > CROSSING_COST * MAX_DETOUR_CARDS as f32;
        if base >= best.1 || (crowded && checked >= CROWD_CHECKS) {
            break;
        }
        // Past this many crossings the line cannot beat the best one: stop counting there.
        let limit = if best.1.is_finite() {
            ((best.1 - base) / CROSSING_COST) as usize
        } else {
            usize::MAX
        };
        let total = base + CROSSING_COST * crossings(line.points(), cards, limit) as f32;
        if total < best.1 {
            best = (Some(line), total);
        }
    }
    let points = best.0.map_or_else(
        || vec![a.center(), b.center()],
        |line| line.points().to_vec(),
    );
    (points, best.1)
}

/// Length plus bends: what a line costs before the cards it crosses.
fn length_and_bends(points: &[Point]) -> f32 {
    let length: f32 = points
        .windows(2)
        .map(|s| (s[1].x - s[0].x).abs() + (s[1].y - s[0].y).abs())
        .sum();
    length + BEND_COST * points.len().saturating_sub(2) as f32
}

/// How many cards the segments pass through; counting stops past `limit`.
fn crossings(points: &[Point], cards: &RectGrid, limit: usize) -> usize {
    let mut found = 0;
    for segment in points.windows(2) {
        let span = Rect::from_min_max(segment[0], segment[1]);
        found += cards.count(span, limit - found.min(limit), |card| {
            crosses_inside(span, card)
        });
        if found > limit {
            break;
        }
    }
    found
}

/// Whether a segment's span enters a card (touching its border is not entering).
fn crosses_inside(span: Rect, card: Rect) -> bool {
    let inside = card.expand(-1.0);
    inside.w > 0.0 && inside.h > 0.0 && overlaps(span, inside)
}

/// Whether two rectangles share area or a segment (a zero-width span) crosses the other.
fn overlaps(span: Rect, r: Rect) -> bool {
    span.x <= r.x + r.w && r.x <= span.x + span.w && span.y <= r.y + r.h && r.y <= span.y + span.h
}

/// A candidate line: at most six points (port, stub, two turns, stub, port), kept inline so
/// weighing a few hundred candidates per connection allocates nothing.
#[derive(Clone, Copy)]
struct Line {
    points: [Point; 6],
    len: usize,
}

impl Line {
    /// The line through `points` (at most six) without repeated points or points in the
    /// middle of a straight run.
    fn simplified(points: &[Point]) -> Self {
        let mut line = Self {
            points: [Point::default(); 6],
            len: 0,
        };
        for &p in points.iter().take(6) {
            let out = &line.points[..line.len];
            if out.last().is_some_and(|last| last.distance(p) < 0.01) {
                continue;
            }
            if let [.., a, b] = out {
                let (a, b) = (*a, *b);
                let collinear = (a.x - b.x).abs() < 0.01 && (b.x - p.x).abs() < 0.01
                    || (a.y - b.y).abs() < 0.01 && (b.y - p.y).abs() < 0.01;
                // A point where the line turns back stays.
                let onward = (b.x - a.x) * (p.x - b.x) + (b.y - a.y) * (p.y - b.y) > 0.0;
                if collinear && onward {
                    line.len -= 1;
                }
            }
            line.points[line.len] = p;
            line.len += 1;
        }
        if line.len == 1 {
            line.points[1] = line.points[0];
            line.len = 2;
        }
        line
    }

    fn points(&self) -> &[Point] {
        &self.points[..self.len]
    }
}

/// Between the ends of elbow lines that share a side of a card, at most.
const PORT_SPACING: f32 = 14.0;

/// Elbow lines that leave or enter a card by the same side all meet it in the middle, where
/// they run on top of each other; this spreads them along the side, ordered by where each
/// goes next so they do not cross there. A line moves only when it turns right after the
/// card (the turn moves with it, so it stays square); `lines` are each line's two end
/// rectangles and its points. A line that would pass through a card once moved stays.
pub fn spread_ports(lines: &mut [(Rect, Rect, &mut Vec<Point>)], cards: &RectGrid) {
    // Which side of `r` a point lies on: 0 left, 1 right, 2 top, 3 bottom.
    let side_of = |r: Rect, p: Point| {
        let near = |a: f32, b: f32| (a - b).abs() < 0.5;
        if near(p.x, r.x) {
            Some(0u8)
        } else if near(p.x, r.x + r.w) {
            Some(1)
        } else if near(p.y, r.y) {
            Some(2)
        } else if near(p.y, r.y + r.h) {
            Some(3)
        } else {
            None
        }
    };
    // (card, side) -> the line ends there: (where the line goes next, line, is its start).
    type Key = ([u32; 4], u8);
    let mut sides: std::collections::BTreeMap<Key, Vec<(f32, usize, bool)>> = Default::default();
    for (i, (from, to, points)) in lines.iter().enumerate() {
        let n = points.len();
        if n < 3 {
            continue;
        }
        let ends = [
            (*from, points[0], points[1], points[2], true),
            (*to, points[n - 1], points[n - 2], points[n - 3], false),
        ];
        for (card, port, turn, beyond, start) in ends {
            // Only a line that turns square at its first bend can slide along the side.
            let square = |a: Point, b: Point, c: Point| {
                let (u, v) = ((b.x - a.x, b.y - a.y), (c.x - b.x, c.y - b.y));
                u.0 * v.0 + u.1 * v.1 == 0.0 && (u.0 == 0.0 || u.1 == 0.0)
            };
            let Some(side) = side_of(card, port).filter(|_| square(port, turn, beyond)) else {
                continue;
            };
            let order = if side < 2 { beyond.y } else { beyond.x };
            let key = ([card.x, card.y, card.w, card.h].map(f32::to_bits), side);
            sides.entry(key).or_default().push((order, i, start));
        }
    }
    for ((card, side), mut ends) in sides {
        if ends.len() < 2 {
            continue;
        }
        ends.sort_by(|a, b| a.0.total_cmp(&b.0).then((a.1, a.2).cmp(&(b.1, b.2))));
        let length = f32::from_bits(if side < 2 { card[3] } else { card[2] });
        let count = ends.len() as f32;
        let spacing = (length / (count + 1.0)).min(PORT_SPACING);
        for (k, (_, line, start)) in ends.into_iter().enumerate() {
            let shift = (k as f32 - (count - 1.0) / 2.0) * spacing;
            let points = &mut *lines[line].2;
            let n = points.len();
            let (port, turn, beyond) = if start {
                (0, 1, 2)
            } else {
                (n - 1, n - 2, n - 3)
            };
            // Only the segments either side of the turn move: compare their crossings.
            let before = [points[port], points[turn], points[beyond]];
            let mut after = before;
            for point in &mut after[..2] {
                if side < 2 {
                    point.y += shift;
                } else {
                    point.x += shift;
                }
            }
            if crossings(&after, cards, usize::MAX) <= crossings(&before, cards, usize::MAX) {
                points[port] = after[0];
                points[turn] = after[1];
            }
        }
    }
}

/// Whether a line runs only horizontally and vertically (an elbow line).
pub fn is_square(points: &[Point]) -> bool {
    points
        .windows(2)
        .all(|s| (s[0].x - s[1].x).abs() < 0.01 || (s[0].y - s[1].y).abs() < 0.01)
}

/// The length of a line through `points`.
pub fn length(points: &[Point]) -> f32 {
    points.windows(2).map(|s| s[0].distance(s[1])).sum()
}

/// The point a fraction of the way along a line, by length.
pub fn point_along(points: &[Point], along: f32) -> Point {
    let Some(&first) = points.first() else {
        return Point::default();
    };
    let mut left = length(points) * along.clamp(0.0, 1.0);
    for segment in points.windows(2) {
        let (p, q) = (segment[0], segment[1]);
        let d = p.distance(q);
        if d > 0.0 && left <= d {
            let t = left / d;
            return Point::new(p.x + (q.x - p.x) * t, p.y + (q.y - p.y) * t);
        }
        left -= d;
    }
    points.last().copied().unwrap_or(first)
}

/// The segment a fraction of the way along a line lies on, by length.
pub fn segment_along(points: &[Point], along: f32) -> (Point, Point) {
    let fallback = (
        points.first().copied().unwrap_or_default(),
        points.last().copied().unwrap_or_default(),
    );
    let mut left = length(points) * along.clamp(0.0, 1.0);
    for segment in points.windows(2) {
        let d = segment[0].distance(segment[1]);
        if d > 0.0 && left <= d {
            return (segment[0], segment[1]);
        }
        left -= d;
    }
    fallback
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rects: &[Rect]) -> RectGrid {
        let mut grid = RectGrid::default();
        for r in rects {
            grid.insert(*r);
        }
        grid
    }

    fn crosses(points: &[Point], r: Rect) -> bool {
        points
            .windows(2)
            .any(|s| overlaps(Rect::from_min_max(s[0], s[1]), r.expand(-1.0)))
    }

    #[test]
    fn an_elbow_line_goes_around_a_card_in_the_way() {
        let a = Rect::new(0.0, 0.0, 100.0, 50.0);
        let b = Rect::new(400.0, 0.0, 100.0, 50.0);
        let wall = Rect::new(200.0, -100.0, 100.0, 250.0);
        let points = route(a, b, Routing::Orthogonal, &[], &grid(&[a, b, wall]));
        assert!(is_square(&points), "{points:?}");
        assert!(!crosses(&points, wall), "{points:?}");
        assert!(!crosses(&points, a) && !crosses(&points, b), "{points:?}");
        // It starts on a's border and ends on b's.
        assert_eq!(
            points.first().map(|p| a.expand(0.5).contains(*p)),
            Some(true)
        );
        assert_eq!(
            points.last().map(|p| b.expand(0.5).contains(*p)),
            Some(true)
        );
        // The straight line would have gone through the wall.
        let direct = route(a, b, Routing::Straight, &[], &grid(&[a, b, wall]));
        assert!(crosses(&direct, wall));
    }

    #[test]
    fn cards_side_by_side_join_with_one_straight_segment_and_diagonal_ones_with_an_elbow() {
        let a = Rect::new(0.0, 0.0, 100.0, 50.0);
        let b = Rect::new(300.0, 0.0, 100.0, 50.0);
        let points = route(a, b, Routing::Orthogonal, &[], &grid(&[a, b]));
        assert_eq!(
            points,
            vec![Point::new(100.0, 25.0), Point::new(300.0, 25.0)]
        );
        let c = Rect::new(300.0, 300.0, 100.0, 50.0);
        let points = route(a, c, Routing::Orthogonal, &[], &grid(&[a, c]));
        assert!(is_square(&points), "{points:?}");
        assert!(points.len() <= 4, "one or two bends: {points:?}");
    }

    #[test]
    fn lines_pass_through_their_waypoints_in_order() {
        let a = Rect::new(0.0, 0.0, 100.0, 50.0);
        let b = Rect::new(300.0, 0.0, 100.0, 50.0);
        let via = [Point::new(150.0, 200.0), Point::new(250.0, 260.0)];
        for routing in Routing::ALL {
            let points = route(a, b, routing, &via, &grid(&[a, b]));
            let at = |p: Point| points.iter().position(|q| q.distance(p) < 0.01);
            let (first, second) = (at(via[0]), at(via[1]));
            assert!(
                first.is_some() && second.is_some() && first < second,
                "{routing:?}: {points:?}"
            );
            if routing == Routing::Orthogonal {
                assert!(is_square(&points), "{points:?}");
            }
        }
    }

    #[test]
    fn routes_are_deterministic_and_survive_degenerate_input() {
        let a = Rect::new(0.0, 0.0, 100.0, 50.0);
        let cards = grid(&[a]);
        // A connection between overlapping rectangles, and one to itself, still get a line.
        for b in [a, Rect::new(50.0, 10.0, 100.0, 50.0)] {
            let points = route(a, b, Routing::Orthogonal, &[], &cards);
            assert!(points.len() >= 2);
            assert_eq!(points, route(a, b, Routing::Orthogonal, &[], &cards));
        }
    }

    #[test]
    fn lines_into_one_side_of_a_card_are_spread_along_it_and_stay_square() {
        let target = Rect::new(400.0, 100.0, 170.0, 60.0);
        let upper = Rect::new(0.0, 0.0, 100.0, 50.0);
        let lower = Rect::new(0.0, 300.0, 100.0, 50.0);
        let cards = grid(&[target, upper, lower]);
        let mut a = route(upper, target, Routing::Orthogonal, &[], &cards);
        let mut b = route(lower, target, Routing::Orthogonal, &[], &cards);
        assert_eq!(a.last(), b.last(), "both enter the middle of the same side");
        spread_ports(
            &mut [(upper, target, &mut a), (lower, target, &mut b)],
            &cards,
        );
        let (ea, eb) = (a.last().copied(), b.last().copied());
        assert_ne!(ea, eb);
        // The line from above ends above the one from below: they do not cross there.
        assert!(
            ea.zip(eb).is_some_and(|(ea, eb)| ea.y < eb.y),
            "{a:?} {b:?}"
        );
        assert!(is_square(&a) && is_square(&b), "{a:?} {b:?}");
    }

    #[test]
    fn points_along_a_line_go_by_length() {
        let line = [
            Point::new(0.0, 0.0),
            Point::new(100.0, 0.0),
            Point::new(100.0, 100.0),
        ];
        assert_eq!(length(&line), 200.0);
        assert_eq!(point_along(&line, 0.5), Point::new(100.0, 0.0));
        assert_eq!(point_along(&line, 0.75), Point::new(100.0, 50.0));
        assert_eq!(point_along(&line, 1.0), Point::new(100.0, 100.0));
        assert_eq!(segment_along(&line, 0.9), (line[1], line[2]));
    }
}
