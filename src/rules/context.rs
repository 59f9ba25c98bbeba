//! What rules see: the design, the catalog, and analyses several rules share (internet
//! exposure, containment, governance scope), computed once per evaluation.
//!
//! Everything a rule asks for per node costs about constant time. Nodes are numbered by their
//! position in id order and grouped by kind when the context is made; the tables rules share
//! (nodes by trait, parents and children, connections with their ends by endpoint and by kind,
//! environments, governance, internet reach) are built on first use and kept for the rest of the
//! evaluation, so evaluating every rule stays linear in the size of the design. Those tables are
//! [`Shared`] by the threads of one evaluation; each thread's [`Context`] adds its own lookup
//! caches. Queries take a node or its id ([`NodeRef`]); either is found by the address of its
//! id, which the design shares between a node and everything that names it.

use std::cell::Cell;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use super::hash::{FxHashMap, FxHashSet};
use crate::model::text::Clipped;
use crate::model::{
    Catalog, Connection, Design, KindDef, Node, NodeId, PropertyDef, PropertyName, Value,
};

/// The most characters of a name a message quotes. Messages name their subject, and a finding
/// per rule per node would otherwise copy a huge name into a report thousands of times.
pub const LABEL_LIMIT: usize = 120;

/// Nodes the internet reaches, each with the node it was reached from, by position; read it
/// with [`Context::reaches`], [`Context::reached_from`] and [`Context::path_from_internet`].
pub struct Reach {
    /// By node position: `UNREACHED`, `OPEN` (open by itself), or the position reached from.
    from: Vec<u32>,
    count: usize,
}

impl Reach {
    /// Whether the internet reaches no node at all.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Whether the internet reaches the node at `position`.
    fn contains(&self, position: u32) -> bool {
        self.from
            .get(position as usize)
            .is_some_and(|&f| f != UNREACHED)
    }
}

/// A resource a flow reaches, looking through pass-throughs (see [`Context::reached_by`]).
#[derive(Clone, Copy, Debug)]
pub struct Reached<'a, 's> {
    /// The resource the flow is for.
    pub service: &'a Node,
    /// The pass-throughs the flow crosses to get there, entry first; empty when it is drawn to
    /// the resource itself.
    pub through: &'s [&'a Node],
}

/// A resource behind a pass-through, with the pass-throughs from that one to it.
struct Behind<'a> {
    service: &'a Node,
    through: Box<[&'a Node]>,
}

/// A node the internet does not reach.
const UNREACHED: u32 = u32::MAX;
/// A node the internet reaches through its own public endpoint.
const OPEN: u32 = u32::MAX - 1;

/// A connection with the positions of the nodes at both of its ends ([`Context::source_of`],
/// [`Context::target_of`]). It reads as the connection itself. Small, because the connection
/// index holds every connection three times.
#[derive(Clone, Copy, Debug)]
pub struct Link<'a> {
    pub connection: &'a Connection,
    /// Position of the node the connection starts at (`connection.from`).
    source_position: u32,
    /// Position of the node the connection ends at (`connection.to`).
    target_position: u32,
    /// Which properties of its kind the connection sets, a bit each by their place in the
    /// kind's list (see [`ConnectionKindInfo::properties`]); all bits when it sets one that is not
    /// among the first 32. A clear bit answers with the default, without reading the connection.
    set_properties: u32,
    /// Index of the connection's kind in the context's table, or `NO_KIND`.
    kind_slot: u16,
    /// Whether the connection's kind carries data-plane traffic.
    pub flow: bool,
    /// Whether the connection is an RDP or SSH session (see [`Context::is_management_session`]).
    session: bool,
    /// Whether it carries management rather than workload traffic (see [`Context::is_management`]).
    management: bool,
}

/// A link to a connection of a kind the catalog does not know.
const NO_KIND: u16 = u16::MAX;

/// A connection, or a [`Link`], which knows its kind without looking it up: what the connection
/// property queries of [`Context`] take.
pub trait ConnectionRef {
    fn connection(&self) -> &Connection;
    /// Index of the connection's kind in the context's table.
    fn kind_in(&self, ctx: &Context<'_>) -> Option<u32>;
    /// Whether it is an RDP or SSH session, when already known.
    fn known_session(&self) -> Option<bool> {
        None
    }

    /// Which properties it may set, by their bit (see [`Link::set_properties`]).
    fn set_properties(&self) -> u32 {
        u32::MAX
    }
}

impl ConnectionRef for Connection {
    fn connection(&self) -> &Connection {
        self
    }

    fn kind_in(&self, ctx: &Context<'_>) -> Option<u32> {
        ctx.connection_kind_index.get(self.kind.as_str()).copied()
    }
}

impl ConnectionRef for Link<'_> {
    fn connection(&self) -> &Connection {
        self.connection
    }

    fn kind_in(&self, _: &Context<'_>) -> Option<u32> {
        self.kind()
    }

    fn known_session(&self) -> Option<bool> {
        Some(self.session)
    }

    fn set_properties(&self) -> u32 {
        self.set_properties
    }
}

impl<T: ConnectionRef + ?Sized> ConnectionRef for &T {
    fn connection(&self) -> &Connection {
        (**self).connection()
    }

    fn kind_in(&self, ctx: &Context<'_>) -> Option<u32> {
        (**self).kind_in(ctx)
    }

    fn known_session(&self) -> Option<bool> {
        (**self).known_session()
    }

    fn set_properties(&self) -> u32 {
        (**self).set_properties()
    }
}

impl Link<'_> {
    /// Whether the connection is of kind `kind`, whose index in the context's table is `slot`
    /// when the catalog knows it: comparing indexes spares comparing the names.
    fn is(&self, kind: &str, slot: Option<u32>) -> bool {
        match (slot, self.kind()) {
            (Some(slot), Some(own)) => slot == own,
            _ => self.connection.kind == kind,
        }
    }

    /// Index of the connection's kind in the context's table.
    fn kind(&self) -> Option<u32> {
        (self.kind_slot != NO_KIND).then_some(u32::from(self.kind_slot))
    }
}

impl std::ops::Deref for Link<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.connection
    }
}

/// A node of the design, or its id: what the graph queries of [`Context`] take.
pub trait NodeRef {
    /// The node's position among the design's nodes in id order.
    fn position_in(&self, ctx: &Context<'_>) -> Option<u32>;
}

impl NodeRef for Node {
    fn position_in(&self, ctx: &Context<'_>) -> Option<u32> {
        match ctx.slot(self) {
            Some(slot) => Some(slot.position),
            None => ctx.position_of(&self.id),
        }
    }
}

impl NodeRef for NodeId {
    fn position_in(&self, ctx: &Context<'_>) -> Option<u32> {
        ctx.position_of(self)
    }
}

impl<T: NodeRef + ?Sized> NodeRef for &T {
    fn position_in(&self, ctx: &Context<'_>) -> Option<u32> {
        (**self).position_in(ctx)
    }
}

/// Remembers lookups by name, keyed by the address of a `&'static str`: rules name properties
/// with string literals, so the address and length identify the text, and a hit costs neither
/// hashing nor comparing it. Direct-mapped: a colliding name replaces the entry, and its slow
/// lookup runs again next time.
struct NameCache<T: Copy> {
    entries: [Cell<Option<(usize, usize, T)>>; NAME_CACHE_SIZE],
}

const NAME_CACHE_BITS: u32 = 6;
const NAME_CACHE_SIZE: usize = 1 << NAME_CACHE_BITS;

impl<T: Copy> NameCache<T> {
    fn new() -> Self {
        Self {
            entries: std::array::from_fn(|_| Cell::new(None)),
        }
    }

    #[inline]
    fn get_or(&self, name: &'static str, lookup: impl FnOnce() -> T) -> T {
        let address = name.as_ptr() as usize;
        // Fibonacci hashing spreads literals that sit next to each other in the binary.
        let slot = address.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (usize::BITS - NAME_CACHE_BITS);
        let entry = &self.entries[slot];
        if let Some((at, len, value)) = entry.get()
            && at == address
            && len == name.len()
        {
            return value;
        }
        let value = lookup();
        entry.set(Some((address, name.len(), value)));
        value
    }
}

/// A catalog kind present in the design, with its nodes.
struct KindInfo<'a> {
    def: &'a KindDef,
    /// Every property of the kind (its own, then the common ones), by id.
    properties: FxHashMap<&'a str, &'a PropertyDef>,
    /// Nodes of this kind, sorted by id.
    nodes: Vec<&'a Node>,
    /// Each node's position, to merge lists of several kinds.
    positions: Vec<u32>,
    /// The kind's traits, a bit each by their index in `Shared::trait_index` (the first 64).
    traits: u64,
}

impl<'a> KindInfo<'a> {
    fn new(catalog: &'a Catalog, def: &'a KindDef) -> Self {
        let mut properties = FxHashMap::default();
        for property in catalog.node_properties(def) {
            // The first definition wins, as in `Catalog::node_property`.
            properties.entry(property.id.as_str()).or_insert(property);
        }
        Self {
            def,
            properties,
            nodes: Vec::new(),
            positions: Vec::new(),
            traits: 0,
        }
    }
}

/// Where a node of the design sits in the context's tables.
#[derive(Clone, Copy)]
struct Slot {
    position: u32,
    /// Index into `Shared::kinds`, or `NONE` when the catalog does not know the kind.
    kind: u32,
    /// Index among the nodes of its kind, or `NONE`.
    rank: u32,
}

/// No position, no kind.
const NONE: u32 = u32::MAX;

/// A connection kind: whether it carries traffic, and its properties by id.
struct ConnectionKindInfo<'a> {
    flow: bool,
    properties: FxHashMap<&'a str, ConnectionProperty<'a>>,
}

/// A property of a connection kind.
#[derive(Clone, Copy)]
struct ConnectionProperty<'a> {
    /// Its place in the kind's list, which is its bit in [`Link::set_properties`].
    index: u32,
    default: &'a Value,
}

impl ConnectionProperty<'_> {
    /// The property's bit in [`Link::set_properties`]: every bit for one past the first 32, or
    /// one the kind does not define.
    fn bit(property: Option<Self>) -> u32 {
        match property {
            Some(property) if property.index < u32::BITS => 1 << property.index,
            _ => u32::MAX,
        }
    }

    /// Whether a connection that sets `set_properties` may set this one.
    fn may_be_set(property: Option<Self>, set_properties: u32) -> bool {
        set_properties & Self::bit(property) != 0
    }
}

/// The bits of connection properties in [`Link::set_properties`], remembered by kind and by the
/// address of the design's shared property name: a design uses a handful, and comparing
/// addresses spares hashing each connection's keys.
#[derive(Default)]
struct PropertyBits {
    known: Vec<(u32, usize, u32)>,
}

impl PropertyBits {
    fn bit(&mut self, info: Option<&ConnectionKindInfo>, kind: u32, key: &PropertyName) -> u32 {
        let address = key.as_str().as_ptr() as usize;
        if let Some(&(_, _, bit)) = self
            .known
            .iter()
            .find(|&&(k, a, _)| k == kind && a == address)
        {
            return bit;
        }
        let property = info.and_then(|info| info.properties.get(key.as_str()));
        let bit = ConnectionProperty::bit(property.copied());
        // Names the design does not share would each add an entry: the list stays short.
        if self.known.len() < 64 {
            self.known.push((kind, address, bit));
        }
        bit
    }
}

/// Lists grouped by node position: the entries of position `p` are
/// `items[start[p]..start[p + 1]]`.
struct Packed<T> {
    items: Vec<T>,
    start: Vec<u32>,
}

impl<T: Copy> Packed<T> {
    /// Groups `items` by their `keys` (one each, below `size`), keeping their order within a
    /// group: a counting sort, one pass to count and one to place.
    fn new(size: usize, keys: &[u32], items: &[T]) -> Self {
        let mut start = vec![0u32; size + 1];
        for &key in keys {
            start[key as usize + 1] += 1;
        }
        for i in 0..size {
            start[i + 1] += start[i];
        }
        // Each item goes to the next free place of its group; the first item fills the list
        // until then.
        let Some(&filler) = items.first() else {
            return Self {
                items: Vec::new(),
                start,
            };
        };
        let mut placed = vec![filler; items.len()];
        let mut next = start.clone();
        for (&key, &item) in keys.iter().zip(items) {
            let slot = &mut next[key as usize];
            placed[*slot as usize] = item;
            *slot += 1;
        }
        Self {
            items: placed,
            start,
        }
    }

    fn get(&self, position: u32) -> &[T] {
        let p = position as usize;
        match (self.start.get(p), self.start.get(p + 1)) {
            (Some(&from), Some(&to)) => &self.items[from as usize..to as usize],
            _ => &[],
        }
    }
}

/// Connections with their ends, by endpoint and by kind, each list sorted by connection id.
/// Connections whose ends are missing (which edits never make) are left out.
struct Adjacency<'a> {
    outgoing: Packed<Link<'a>>,
    incoming: Packed<Link<'a>>,
    /// Connection kind names, in the order `by_kind` groups them.
    kinds: Vec<&'a str>,
    by_kind: Packed<Link<'a>>,
}

/// Containment by position: each node's parent (`NONE` at the top level) and children.
struct Containment {
    parent: Vec<u32>,
    children: Packed<u32>,
}

/// How far internet traffic is followed, for the cached reach analyses.
#[derive(Clone, Copy)]
enum Exposure {
    /// Any data flow, up to the first node that terminates it.
    Network,
    /// Web traffic, up to an active web application firewall.
    Web,
    /// Traffic that reaches a data store without passing the application tier.
    Data,
}

/// What a resource's own public endpoint admits ([`Context::public_endpoint`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublicEndpoint {
    /// Nothing: no public endpoint, public network access disabled, or a firewall that denies
    /// by default and names no address (private endpoints and trusted services only).
    Closed,
    /// Only the callers the app's access restrictions name.
    Restricted,
    /// Only this many named address ranges.
    NamedRanges(i64),
    /// Any Azure service of any tenant, through the "allow Azure services" rule.
    AzureServices,
    /// Any network.
    Any,
}

impl PublicEndpoint {
    /// What the endpoint admits, in words: "only 2 named address ranges".
    pub fn describe(self) -> String {
        match self {
            Self::Closed => "no network".to_owned(),
            Self::Restricted => "only the callers its access restrictions name".to_owned(),
            Self::NamedRanges(1) => "only 1 named address range".to_owned(),
            Self::NamedRanges(n) => format!("only {n} named address ranges"),
            Self::AzureServices => "any Azure tenant's services".to_owned(),
            Self::Any => "any network".to_owned(),
        }
    }
}

/// Read-only view of a design for rules: the analyses several rules share, plus caches of this
/// thread's lookups. [`Context::over`] makes another view over the same analyses for another
/// thread.
pub struct Context<'a> {
    shared: Arc<Shared<'a>>,
    /// Per kind in `Shared::kinds`: its properties as rules ask for them.
    property_caches: Vec<NameCache<Option<&'a PropertyDef>>>,
    /// Per connection kind: its properties as rules ask for them.
    connection_property_caches: Vec<NameCache<Option<ConnectionProperty<'a>>>>,
    /// Trait names as rules ask for them → index in `Shared::trait_index`.
    trait_cache: NameCache<Option<u32>>,
    /// Connection kind names as rules ask for them → index in `Shared::connection_kinds`.
    connection_kind_cache: NameCache<Option<u32>>,
    /// The last node looked up, by the address of its id: rules ask several things about one
    /// node in a row.
    last_slot: Cell<(usize, Slot)>,
}

impl<'a> std::ops::Deref for Context<'a> {
    type Target = Shared<'a>;

    fn deref(&self) -> &Shared<'a> {
        &self.shared
    }
}

/// What all views of one design share: the design, its tables, and analyses built on first
/// use by whichever thread asks first.
pub struct Shared<'a> {
    pub design: &'a Design,
    pub catalog: &'a Catalog,
    /// The kinds of the design's nodes that the catalog knows, with their nodes.
    kinds: Vec<KindInfo<'a>>,
    kind_index: FxHashMap<&'a str, u32>,
    /// Every node, sorted by id: a node's position indexes the per-node tables.
    all: Vec<&'a Node>,
    /// Each node's kind by position: an index into `kinds`, or `NONE`.
    kind_at: Vec<u32>,
    /// Each node's index among the nodes of its kind, by position, or `NONE`.
    rank_at: Vec<u32>,
    /// Address of a node's id → position. The design's parents and connection ends share their
    /// node's id, so its address finds the node without hashing the text.
    positions: FxHashMap<usize, u32>,
    /// Kind ids and trait names present in the design.
    present: FxHashSet<&'a str>,
    /// Trait name → index in `trait_nodes`.
    trait_index: FxHashMap<&'a str, usize>,
    trait_nodes: Vec<OnceLock<Vec<&'a Node>>>,
    connection_kinds: Vec<ConnectionKindInfo<'a>>,
    connection_kind_index: FxHashMap<&'a str, u32>,
    /// Index of the `traffic` connection kind, or `NONE`.
    traffic_kind: u32,
    /// Its `protocol` and `port` properties, which tell RDP and SSH sessions, and `purpose`.
    session_properties: [Option<ConnectionProperty<'a>>; 2],
    purpose_property: Option<ConnectionProperty<'a>>,
    // Built on first use.
    by_id: OnceLock<FxHashMap<&'a NodeId, u32>>,
    containment: OnceLock<Containment>,
    adjacency: OnceLock<Adjacency<'a>>,
    environments: OnceLock<Vec<&'a str>>,
    governs_into: OnceLock<FxHashMap<u32, Vec<&'a Node>>>,
    internet_sources: OnceLock<Vec<u32>>,
    open_nodes: OnceLock<Vec<&'a Node>>,
    reach_network: OnceLock<Reach>,
    reach_web: OnceLock<Reach>,
    reach_data: OnceLock<Reach>,
    /// By position of each pass-through: the resources behind it.
    behind: OnceLock<FxHashMap<u32, Box<[Behind<'a>]>>>,
}

/// Kinds whose public endpoint [`Context::publicly_accessible`] decides by more than the
/// `public_ip` and `public_network_access` properties.
const EXPOSURE_KINDS: [&str; 11] = [
    "public_ip",
    "front_door",
    "load_balancer",
    "application_gateway",
    "app_service_environment",
    "api_management",
    "app_service",
    "function_app",
    "container_app",
    "postgresql_flexible_server",
    "sql_managed_instance",
];

impl<'a> Context<'a> {
    pub fn new(design: &'a Design, catalog: &'a Catalog) -> Self {
        Self::over(Arc::new(Shared::new(design, catalog, false)))
    }

    /// [`Context::new`], building its tables on two threads of the pool.
    pub(super) fn new_in_parallel(design: &'a Design, catalog: &'a Catalog) -> Self {
        Self::over(Arc::new(Shared::new(design, catalog, true)))
    }

    /// What every view of this design shares, to make views on other threads with
    /// [`Context::over`].
    pub(super) fn shared(&self) -> Arc<Shared<'a>> {
        Arc::clone(&self.shared)
    }

    /// A view over analyses another view has (or will have) built.
    pub(super) fn over(shared: Arc<Shared<'a>>) -> Self {
        Self {
            property_caches: shared.kinds.iter().map(|_| NameCache::new()).collect(),
            connection_property_caches: shared
                .connection_kinds
                .iter()
                .map(|_| NameCache::new())
                .collect(),
            trait_cache: NameCache::new(),
            connection_kind_cache: NameCache::new(),
            last_slot: Cell::new((
                0,
                Slot {
                    position: NONE,
                    kind: NONE,
                    rank: NONE,
                },
            )),
            shared,
        }
    }
}

impl<'a> Shared<'a> {
    /// Whether a connection of the kind at `kind` is an RDP or SSH session: traffic by protocol,
    /// or to port 22 or 3389. `set_properties` tells which properties it sets.
    fn is_session(&self, connection: &Connection, kind: Option<u32>, set_properties: u32) -> bool {
        let traffic = match kind {
            Some(kind) => kind == self.traffic_kind,
            None => connection.kind == "traffic",
        };
        if !traffic {
            return false;
        }
        // Known traffic has its properties looked up once; other connections by name.
        let [protocol, port] = match kind {
            Some(_) => self.session_properties,
            None => [None; 2],
        };
        let value = |name: &str, property: Option<ConnectionProperty<'a>>| {
            ConnectionProperty::may_be_set(property, set_properties)
                .then(|| connection.properties.get(name))
                .flatten()
                .or_else(|| property.map(|p| p.default))
        };
        matches!(
            value("protocol", protocol).and_then(Value::as_text),
            Some("RDP" | "SSH")
        ) || matches!(value("port", port).and_then(Value::as_int), Some(22 | 3389))
    }

    /// Whether a traffic connection says it carries management (portal, CLI or kubectl access),
    /// by its `purpose`. `set_properties` tells which properties it sets.
    fn has_management_purpose(&self, connection: &Connection, set_properties: u32) -> bool {
        let property = self.purpose_property;
        let purpose = ConnectionProperty::may_be_set(property, set_properties)
            .then(|| connection.properties.get("purpose"))
            .flatten()
            .or_else(|| property.map(|p| p.default));
        purpose.and_then(Value::as_text) == Some("Management")
    }

    /// The tables of a design; with `in_parallel`, the position of each node's id is hashed on
    /// another thread while this one sorts the nodes by kind (on a large design, building the
    /// context had been a tenth of the evaluation, with one core idle).
    fn new(design: &'a Design, catalog: &'a Catalog, in_parallel: bool) -> Self {
        let positions = || {
            let mut positions = FxHashMap::default();
            positions.reserve(design.nodes().len());
            for (position, node) in design.nodes().enumerate() {
                positions.insert(node.id.address(), position as u32);
            }
            positions
        };
        let (shared, positions) = if in_parallel {
            rayon_core::join(|| Self::by_kind(design, catalog), positions)
        } else {
            (Self::by_kind(design, catalog), positions())
        };
        Self {
            positions,
            ..shared
        }
    }

    /// The tables of a design, but for `positions`.
    fn by_kind(design: &'a Design, catalog: &'a Catalog) -> Self {
        let size = design.nodes().len();
        let mut kinds: Vec<KindInfo<'a>> = Vec::new();
        let mut kind_index: FxHashMap<&'a str, u32> = FxHashMap::default();
        let mut all = Vec::with_capacity(size);
        let mut kind_at = Vec::with_capacity(size);
        let mut rank_at = Vec::with_capacity(size);
        // Nodes of one kind often come in runs: the last kind looked up is checked first.
        let mut last: Option<(&'a str, u32)> = None;
        for (position, node) in design.nodes().enumerate() {
            let position = position as u32;
            all.push(node);
            let kind = match last {
                Some((name, kind)) if same_name(name, &node.kind) => kind,
                _ => {
                    let kind = match kind_index.get(node.kind.as_str()) {
                        Some(&kind) => kind,
                        None => match catalog.kind(&node.kind) {
                            Some(def) => {
                                let kind = kinds.len() as u32;
                                kinds.push(KindInfo::new(catalog, def));
                                kind_index.insert(def.id.as_str(), kind);
                                kind
                            }
                            None => NONE,
                        },
                    };
                    last = Some((node.kind.as_str(), kind));
                    kind
                }
            };
            kind_at.push(kind);
            if let Some(info) = kinds.get_mut(kind as usize) {
                rank_at.push(info.nodes.len() as u32);
                info.nodes.push(node);
                info.positions.push(position);
            } else {
                rank_at.push(NONE);
            }
        }
        let mut present = FxHashSet::default();
        let mut trait_index = FxHashMap::default();
        for info in &mut kinds {
            present.insert(info.def.id.as_str());
            for name in &info.def.traits {
                present.insert(name.as_str());
                let next = trait_index.len();
                let index = *trait_index.entry(name.as_str()).or_insert(next);
                if index < u64::BITS as usize {
                    info.traits |= 1 << index;
                }
            }
        }
        let trait_nodes = (0..trait_index.len()).map(|_| OnceLock::new()).collect();
        let connection_kinds: Vec<ConnectionKindInfo<'a>> = catalog
            .connection_kinds()
            .iter()
            .map(|kind| {
                let mut properties = FxHashMap::default();
                for (index, property) in kind.properties.iter().enumerate() {
                    // The first definition wins, as in `Connection::property`.
                    properties
                        .entry(property.id.as_str())
                        .or_insert(ConnectionProperty {
                            index: index as u32,
                            default: &property.default,
                        });
                }
                ConnectionKindInfo {
                    flow: kind.flow,
                    properties,
                }
            })
            .collect();
        let connection_kind_index: FxHashMap<&'a str, u32> = catalog
            .connection_kinds()
            .iter()
            .enumerate()
            .map(|(i, kind)| (kind.id.as_str(), i as u32))
            .collect();
        let traffic_kind = connection_kind_index
            .get("traffic")
            .copied()
            .unwrap_or(NONE);
        let traffic_property = |name: &str| {
            let traffic = connection_kinds.get(traffic_kind as usize)?;
            traffic.properties.get(name).copied()
        };
        let session_properties = ["protocol", "port"].map(traffic_property);
        let purpose_property = traffic_property("purpose");
        Self {
            design,
            catalog,
            kinds,
            kind_index,
            all,
            kind_at,
            rank_at,
            positions: FxHashMap::default(),
            present,
            trait_index,
            trait_nodes,
            connection_kinds,
            connection_kind_index,
            traffic_kind,
            session_properties,
            purpose_property,
            by_id: OnceLock::new(),
            containment: OnceLock::new(),
            adjacency: OnceLock::new(),
            environments: OnceLock::new(),
            governs_into: OnceLock::new(),
            internet_sources: OnceLock::new(),
            open_nodes: OnceLock::new(),
            reach_network: OnceLock::new(),
            reach_web: OnceLock::new(),
            reach_data: OnceLock::new(),
            behind: OnceLock::new(),
        }
    }
}

impl<'a> Context<'a> {
    /// Whether the design holds any node of one of these kinds or traits (empty: always).
    pub fn catalog(&self) -> &'a Catalog {
        self.catalog
    }

    pub fn in_scope(&self, scope: &[&str]) -> bool {
        scope.is_empty() || scope.iter().any(|s| self.present.contains(s))
    }

    /// How many nodes are of the kinds in `scope` (traits not counted).
    pub(super) fn count_of_kinds(&self, scope: &[&str]) -> usize {
        scope
            .iter()
            .map(|kind| self.nodes_of_kind(kind).len())
            .sum()
    }

    /// Whether any node of this kind or trait exists.
    pub fn has(&self, kind_or_trait: &str) -> bool {
        self.present.contains(kind_or_trait)
    }

    // ---- nodes ------------------------------------------------------------------------------

    /// Every node, sorted by id.
    pub fn nodes(&self) -> impl Iterator<Item = &'a Node> + '_ {
        self.all.iter().copied()
    }

    pub fn node(&self, id: &NodeId) -> Option<&'a Node> {
        self.position_of(id).map(|p| self.all[p as usize])
    }

    /// A node's position among all nodes sorted by id.
    #[inline]
    fn position_of(&self, id: &NodeId) -> Option<u32> {
        match self.positions.get(&id.address()) {
            Some(&position) => Some(position),
            None => self.position_by_text(id),
        }
    }

    /// The position of an id from elsewhere (a test, another design), by its text.
    #[inline(never)]
    fn position_by_text(&self, id: &NodeId) -> Option<u32> {
        self.by_id
            .get_or_init(|| {
                let mut map = FxHashMap::default();
                map.reserve(self.all.len());
                map.extend(self.all.iter().enumerate().map(|(i, n)| (&n.id, i as u32)));
                map
            })
            .get(id)
            .copied()
    }

    fn position(&self, node: &(impl NodeRef + ?Sized)) -> Option<u32> {
        node.position_in(self)
    }

    /// Where a node of this design sits; `None` for a node from elsewhere.
    #[inline]
    fn slot(&self, node: &Node) -> Option<Slot> {
        // Rules ask several things about one node in a row: the last answer is checked first,
        // inline; the table lookup is a call.
        let address = node.id.address();
        let (last, slot) = self.last_slot.get();
        if last == address && self.is_at(node, slot.position) {
            return Some(slot);
        }
        self.look_up_slot(node, address)
    }

    #[inline(never)]
    fn look_up_slot(&self, node: &Node, address: usize) -> Option<Slot> {
        let (_, last) = self.last_slot.get();
        let slot = match self.next_of(last, node) {
            Some(slot) => slot,
            None => {
                let position = *self.positions.get(&address)?;
                if !self.is_at(node, position) {
                    return None;
                }
                self.slot_at(position)
            }
        };
        self.last_slot.set((address, slot));
        Some(slot)
    }

    /// The slot of `node` when it follows `last` in its kind's list or among all nodes:
    /// rules mostly walk those lists in order, and checking the next entry costs less than
    /// hashing.
    #[inline]
    fn next_of(&self, last: Slot, node: &Node) -> Option<Slot> {
        if let Some(info) = self.kinds.get(last.kind as usize) {
            let rank = last.rank.wrapping_add(1);
            if info
                .nodes
                .get(rank as usize)
                .is_some_and(|n| std::ptr::eq(*n, node))
            {
                return Some(Slot {
                    position: info.positions[rank as usize],
                    kind: last.kind,
                    rank,
                });
            }
        }
        let position = last.position.wrapping_add(1);
        self.is_at(node, position).then(|| self.slot_at(position))
    }

    fn slot_at(&self, position: u32) -> Slot {
        Slot {
            position,
            kind: self.kind_at[position as usize],
            rank: self.rank_at[position as usize],
        }
    }

    /// Whether `node` is the node at `position` (and not another with the same id).
    #[inline]
    fn is_at(&self, node: &Node, position: u32) -> bool {
        self.all
            .get(position as usize)
            .is_some_and(|n| std::ptr::eq(*n, node))
    }

    /// Nodes of one kind, sorted by id.
    pub fn nodes_of_kind(&self, kind: &str) -> &[&'a Node] {
        self.kind_index
            .get(kind)
            .map_or(&[], |&k| self.kinds[k as usize].nodes.as_slice())
    }

    /// Nodes of any of these kinds, sorted by id.
    pub fn nodes_of_kinds(&self, kinds: &[&str]) -> Vec<&'a Node> {
        let mut found: Vec<u32> = kinds
            .iter()
            .filter_map(|k| self.kind_index.get(k).copied())
            .collect();
        found.sort_unstable();
        found.dedup();
        let infos: Vec<&KindInfo<'a>> = found.iter().map(|&k| &self.kinds[k as usize]).collect();
        merge_by_position(&infos)
    }

    /// Nodes whose kind has a catalog trait, sorted by id.
    pub fn nodes_with_trait(&self, name: &str) -> &[&'a Node] {
        let Some(&index) = self.trait_index.get(name) else {
            return &[];
        };
        self.trait_nodes[index].get_or_init(|| self.nodes_with_traits(&[name]))
    }

    /// The kinds of the design's nodes that have a trait, each with its nodes sorted by id: for
    /// rules that decide by kind once, not per node.
    pub fn kinds_with_trait<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Iterator<Item = (&'a KindDef, &'s [&'a Node])> + 's {
        self.kinds
            .iter()
            .filter(move |info| info.def.has_trait(name))
            .map(|info| (info.def, info.nodes.as_slice()))
    }

    /// Nodes whose kind has any of these traits, sorted by id.
    pub fn nodes_with_traits(&self, names: &[&str]) -> Vec<&'a Node> {
        let infos: Vec<&KindInfo<'a>> = self
            .kinds
            .iter()
            .filter(|info| names.iter().any(|name| info.def.has_trait(name)))
            .collect();
        merge_by_position(&infos)
    }

    #[inline]
    fn kind_info(&self, node: &Node) -> Option<&KindInfo<'a>> {
        let kind = match self.slot(node) {
            Some(slot) => slot.kind,
            None => *self.kind_index.get(node.kind.as_str())?,
        };
        self.kinds.get(kind as usize)
    }

    #[inline]
    pub fn kind(&self, node: &Node) -> Option<&'a KindDef> {
        match self.kind_info(node) {
            Some(info) => Some(info.def),
            None => self.catalog.kind(&node.kind),
        }
    }

    #[inline]
    pub fn has_trait(&self, node: &Node, name: &'static str) -> bool {
        let Some(info) = self.kind_info(node) else {
            return self
                .catalog
                .kind(&node.kind)
                .is_some_and(|k| k.has_trait(name));
        };
        // A trait no kind of the design has is not in the table.
        match self
            .trait_cache
            .get_or(name, || self.trait_index.get(name).map(|&i| i as u32))
        {
            Some(bit) if bit < u64::BITS => info.traits & (1 << bit) != 0,
            Some(_) => info.def.has_trait(name),
            None => false,
        }
    }

    /// How a node is named in messages: its name, or its id when unnamed, cut at
    /// [`LABEL_LIMIT`] characters so a huge name is not copied into every finding about it.
    pub fn label<'n>(&self, node: &'n Node) -> Clipped<'n> {
        // Stops at the first visible character, where `trim` would scan the name from both ends.
        if node.name.chars().all(char::is_whitespace) {
            Clipped::new(node.id.as_str(), LABEL_LIMIT)
        } else {
            Clipped::new(&node.name, LABEL_LIMIT)
        }
    }

    /// The display name of a node's kind.
    pub fn kind_name(&self, node: &Node) -> &'a str {
        self.kind(node).map_or("component", |k| k.name.as_str())
    }

    // ---- properties (explicit value, else the catalog default) -------------------------------

    #[inline]
    pub fn value<'n>(&self, node: &'n Node, property: &'static str) -> Option<&'n Value>
    where
        'a: 'n,
    {
        if let Some(value) = node.properties.get(property) {
            return Some(value);
        }
        match self.property_def(node, property) {
            Ok(def) => def.map(|p| &p.default),
            Err(()) => self.design.property(self.catalog, node, property),
        }
    }

    /// The catalog definition of a node's property; `Err` when the node is not of this design
    /// or its kind is unknown.
    #[inline(always)]
    fn property_def(
        &self,
        node: &Node,
        property: &'static str,
    ) -> Result<Option<&'a PropertyDef>, ()> {
        let kind = match self.slot(node) {
            Some(slot) if slot.kind != NONE => slot.kind,
            _ => return Err(()),
        };
        let info = &self.kinds[kind as usize];
        Ok(self.property_caches[kind as usize]
            .get_or(property, || info.properties.get(property).copied()))
    }

    /// A boolean property; false when missing.
    #[inline]
    pub fn bool(&self, node: &Node, property: &'static str) -> bool {
        self.value(node, property)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// A text or enum property; empty when missing.
    #[inline]
    pub fn text<'n>(&self, node: &'n Node, property: &'static str) -> &'n str
    where
        'a: 'n,
    {
        self.value(node, property)
            .and_then(Value::as_text)
            .unwrap_or("")
    }

    /// A number property; zero when missing.
    pub fn int(&self, node: &Node, property: &'static str) -> i64 {
        self.value(node, property)
            .and_then(Value::as_int)
            .unwrap_or(0)
    }

    /// A list property; empty when missing.
    pub fn list<'n>(&self, node: &'n Node, property: &'static str) -> &'n [String]
    where
        'a: 'n,
    {
        self.value(node, property)
            .and_then(Value::as_list)
            .unwrap_or(&[])
    }

    /// Whether the node's kind has this property at all.
    pub fn has_property(&self, node: &Node, property: &'static str) -> bool {
        match self.property_def(node, property) {
            Ok(def) => def.is_some(),
            Err(()) => self
                .catalog
                .kind(&node.kind)
                .is_some_and(|k| self.catalog.node_property(k, property).is_some()),
        }
    }

    pub fn connection_value<'n, C: ConnectionRef + ?Sized>(
        &self,
        connection: &'n C,
        property: &'static str,
    ) -> Option<&'n Value>
    where
        'a: 'n,
    {
        let set = connection.set_properties();
        let known = connection.kind_in(self).and_then(|kind| {
            let kind = kind as usize;
            self.connection_property_caches[kind].get_or(property, || {
                self.connection_kinds[kind]
                    .properties
                    .get(property)
                    .copied()
            })
        });
        if ConnectionProperty::may_be_set(known, set)
            && let Some(value) = connection.connection().properties.get(property)
        {
            return Some(value);
        }
        known.map(|known| known.default)
    }

    pub fn connection_text<'n, C: ConnectionRef + ?Sized>(
        &self,
        connection: &'n C,
        property: &'static str,
    ) -> &'n str
    where
        'a: 'n,
    {
        self.connection_value(connection, property)
            .and_then(Value::as_text)
            .unwrap_or("")
    }

    pub fn connection_bool(
        &self,
        connection: &(impl ConnectionRef + ?Sized),
        property: &'static str,
    ) -> bool {
        self.connection_value(connection, property)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    pub fn connection_int(
        &self,
        connection: &(impl ConnectionRef + ?Sized),
        property: &'static str,
    ) -> i64 {
        self.connection_value(connection, property)
            .and_then(Value::as_int)
            .unwrap_or(0)
    }

    /// The environment a node belongs to: its own setting, else that of the nearest container
    /// around it that sets one (its subscription, say), else the catalog default.
    pub fn environment(&self, node: &'a Node) -> &'a str {
        match self.position(node) {
            Some(position) => self.environments()[position as usize],
            None => self.text(node, "environment"),
        }
    }

    /// Whether any node belongs to this environment.
    pub fn has_environment(&self, environment: &str) -> bool {
        self.environments().contains(&environment)
    }

    /// Every node's environment, by position.
    fn environments(&self) -> &[&'a str] {
        self.environments.get_or_init(|| {
            // The default of each kind, for nodes that inherit no setting.
            let defaults: Vec<&'a str> = self
                .kinds
                .iter()
                .map(|info| {
                    let default = info.properties.get("environment").map(|p| &p.default);
                    default.and_then(Value::as_text).unwrap_or("")
                })
                .collect();
            let inherited = self.inherited_environments();
            inherited
                .into_iter()
                .zip(&self.all)
                .map(|(own, node)| {
                    own.unwrap_or_else(|| match self.slot(node) {
                        Some(slot) => defaults.get(slot.kind as usize).copied().unwrap_or(""),
                        None => "",
                    })
                })
                .collect()
        })
    }

    /// For every node by position, the explicit environment of the node or of its nearest
    /// container that sets one. Each chain is walked once: later walks stop at a known node.
    fn inherited_environments(&self) -> Vec<Option<&'a str>> {
        let parents = &self.containment().parent;
        let mut known: Vec<Option<Option<&'a str>>> = vec![None; self.all.len()];
        let mut chain: Vec<usize> = Vec::new();
        for start in 0..self.all.len() {
            if known[start].is_some() {
                continue;
            }
            chain.clear();
            let mut current = start;
            let found = loop {
                if let Some(result) = known[current] {
                    break result;
                }
                chain.push(current);
                if let Some(value) = self.all[current].properties.get("environment") {
                    break Some(value.as_text().unwrap_or(""));
                }
                match parents[current] {
                    // A containment cycle (which validation reports) ends the walk.
                    parent if parent != NONE && chain.len() <= self.all.len() => {
                        current = parent as usize;
                    }
                    _ => break None,
                }
            };
            for &position in &chain {
                known[position] = Some(found);
            }
        }
        known.into_iter().map(Option::flatten).collect()
    }

    // ---- containment --------------------------------------------------------------------------

    fn containment(&self) -> &Containment {
        self.containment.get_or_init(|| {
            let mut parent = vec![NONE; self.all.len()];
            let mut parents: Vec<u32> = Vec::new();
            let mut children: Vec<u32> = Vec::new();
            // Siblings often come in runs: the last parent looked up is checked first.
            let mut last: Option<(&NodeId, u32)> = None;
            for (position, node) in self.all.iter().enumerate() {
                let Some(id) = &node.parent else {
                    continue;
                };
                let found = match last {
                    Some((last_id, p)) if last_id == id => Some(p),
                    _ => self.position_of(id),
                };
                if let Some(p) = found {
                    last = Some((id, p));
                    parent[position] = p;
                    parents.push(p);
                    children.push(position as u32);
                }
            }
            let children = Packed::new(self.all.len(), &parents, &children);
            Containment { parent, children }
        })
    }

    /// Positions of the containers around the node at `position`, innermost first.
    fn ancestor_positions(&self, position: Option<u32>) -> impl Iterator<Item = u32> + '_ {
        let parents = &self.containment().parent;
        let mut current = position.map_or(NONE, |p| parents[p as usize]);
        let mut steps = 0;
        std::iter::from_fn(move || {
            steps += 1;
            if current == NONE || steps > parents.len() {
                return None;
            }
            let found = current;
            current = parents[current as usize];
            Some(found)
        })
    }

    /// The container chain from the direct parent outwards. Stops on a containment cycle.
    pub fn ancestors<'s, N: NodeRef + ?Sized>(
        &'s self,
        node: &N,
    ) -> impl Iterator<Item = &'a Node> + use<'a, 's, N> {
        self.ancestor_positions(self.position(node))
            .map(|p| self.all[p as usize])
    }

    /// The nearest enclosing container of a kind (`subnet`, `virtual_network`, `subscription`).
    pub fn enclosing(&self, node: &(impl NodeRef + ?Sized), kind: &str) -> Option<&'a Node> {
        self.ancestors(node).find(|a| a.kind == kind)
    }

    /// Whether `node` is inside a container with this trait (at any depth).
    pub fn inside_trait(&self, node: &(impl NodeRef + ?Sized), name: &'static str) -> bool {
        self.ancestors(node).any(|a| self.has_trait(a, name))
    }

    /// Direct children of a container, sorted by id.
    pub fn children<'s, N: NodeRef + ?Sized>(
        &'s self,
        node: &N,
    ) -> impl Iterator<Item = &'a Node> + use<'a, 's, N> {
        let children = match self.position(node) {
            Some(p) => self.containment().children.get(p),
            None => &[],
        };
        children.iter().map(|&c| self.all[c as usize])
    }

    /// All nodes inside a container, at any depth, sorted by id.
    pub fn descendants(&self, node: &(impl NodeRef + ?Sized)) -> Vec<&'a Node> {
        match self.position(node) {
            Some(root) => self
                .descendant_positions(root)
                .into_iter()
                .map(|p| self.all[p as usize])
                .collect(),
            None => Vec::new(),
        }
    }

    /// Positions of everything inside the node at `root`, at any depth, sorted.
    fn descendant_positions(&self, root: u32) -> Vec<u32> {
        let children = &self.containment().children;
        let mut found: Vec<u32> = Vec::new();
        let mut seen: FxHashSet<u32> = FxHashSet::default();
        let mut next = 0;
        let mut current = root;
        loop {
            for &child in children.get(current) {
                // A containment cycle would come back round; each node counts once.
                if seen.insert(child) {
                    found.push(child);
                }
            }
            let Some(&inner) = found.get(next) else {
                break;
            };
            current = inner;
            next += 1;
        }
        found.sort_unstable();
        found
    }

    // ---- connections --------------------------------------------------------------------------

    /// Whether the connection carries data-plane traffic (traffic, private link, hybrid link).
    pub fn is_flow(&self, connection: &Connection) -> bool {
        self.connection_kind_index
            .get(connection.kind.as_str())
            .is_some_and(|&k| self.connection_kinds[k as usize].flow)
    }

    fn adjacency(&self) -> &Adjacency<'a> {
        self.adjacency.get_or_init(|| {
            let count = self.design.connections().len();
            let mut links: Vec<Link<'a>> = Vec::with_capacity(count);
            let mut sources: Vec<u32> = Vec::with_capacity(count);
            let mut targets: Vec<u32> = Vec::with_capacity(count);
            let mut groups: Vec<u32> = Vec::with_capacity(count);
            // A handful of kinds: a list searched from the last kind found beats hashing.
            let mut kinds: Vec<(&'a str, u32)> = Vec::new();
            let mut bits = PropertyBits::default();
            let mut last = 0;
            for connection in self.design.connections() {
                let (Some(from), Some(to)) = (
                    self.position_of(&connection.from),
                    self.position_of(&connection.to),
                ) else {
                    continue;
                };
                let name = connection.kind.as_str();
                if kinds
                    .get(last)
                    .is_none_or(|(known, _)| !same_name(known, name))
                {
                    last = match kinds.iter().position(|(known, _)| same_name(known, name)) {
                        Some(found) => found,
                        None => {
                            let index = self.connection_kind_index.get(name).copied();
                            kinds.push((name, index.unwrap_or(NONE)));
                            kinds.len() - 1
                        }
                    };
                }
                let kind = kinds[last].1;
                let info = self.connection_kinds.get(kind as usize);
                let set_properties = connection
                    .properties
                    .keys()
                    .fold(0, |set, key| set | bits.bit(info, kind, key));
                let known_kind = (kind != NONE).then_some(kind);
                let session = self.is_session(connection, known_kind, set_properties);
                let management = session
                    || (kind != NONE
                        && kind == self.traffic_kind
                        && self.has_management_purpose(connection, set_properties));
                links.push(Link {
                    connection,
                    source_position: from,
                    target_position: to,
                    set_properties,
                    kind_slot: u16::try_from(kind).unwrap_or(NO_KIND),
                    flow: info.is_some_and(|k| k.flow),
                    session,
                    management,
                });
                sources.push(from);
                targets.push(to);
                groups.push(last as u32);
            }
            let size = self.all.len();
            Adjacency {
                outgoing: Packed::new(size, &sources, &links),
                incoming: Packed::new(size, &targets, &links),
                by_kind: Packed::new(kinds.len(), &groups, &links),
                kinds: kinds.into_iter().map(|(name, _)| name).collect(),
            }
        })
    }

    /// Whether a link is of connection kind `kind`. Compares the kind's index: the connection's
    /// own text is not read.
    pub fn link_is(&self, link: &Link, kind: &'static str) -> bool {
        let slot = self
            .connection_kind_cache
            .get_or(kind, || self.connection_kind_index.get(kind).copied());
        link.is(kind, slot)
    }

    /// The node a link starts at.
    pub fn source_of(&self, link: &Link) -> &'a Node {
        self.all[link.source_position as usize]
    }

    /// The node a link ends at.
    pub fn target_of(&self, link: &Link) -> &'a Node {
        self.all[link.target_position as usize]
    }

    /// Connections leaving a node, sorted by connection id.
    pub fn outgoing(&self, node: &(impl NodeRef + ?Sized)) -> &[Link<'a>] {
        match self.position(node) {
            Some(p) => self.adjacency().outgoing.get(p),
            None => &[],
        }
    }

    /// Connections arriving at a node, sorted by connection id.
    pub fn incoming(&self, node: &(impl NodeRef + ?Sized)) -> &[Link<'a>] {
        match self.position(node) {
            Some(p) => self.adjacency().incoming.get(p),
            None => &[],
        }
    }

    /// Connections of one kind, sorted by id.
    pub fn connections_of_kind(&self, kind: &str) -> &[Link<'a>] {
        let adjacency = self.adjacency();
        match adjacency.kinds.iter().position(|name| *name == kind) {
            Some(group) => adjacency.by_kind.get(group as u32),
            None => &[],
        }
    }

    /// Connections that carry data-plane traffic, grouped by kind.
    pub fn flows(&self) -> impl Iterator<Item = &Link<'a>> + '_ {
        let adjacency = self.adjacency();
        (0..adjacency.kinds.len() as u32)
            .map(|group| adjacency.by_kind.get(group))
            .filter(|list| list.first().is_some_and(|l| l.flow))
            .flatten()
    }

    /// Nodes reached from `node` by connections of `kind` (outgoing), sorted by id.
    pub fn targets(&self, node: &(impl NodeRef + ?Sized), kind: &str) -> Vec<&'a Node> {
        let slot = self.connection_kind_index.get(kind).copied();
        let ends = self.outgoing(node).iter().filter(|c| c.is(kind, slot));
        sorted_unique(ends.map(|c| self.target_of(c)).collect())
    }

    /// Nodes with connections of `kind` into `node`, sorted by id.
    pub fn sources(&self, node: &(impl NodeRef + ?Sized), kind: &str) -> Vec<&'a Node> {
        let slot = self.connection_kind_index.get(kind).copied();
        let ends = self.incoming(node).iter().filter(|c| c.is(kind, slot));
        sorted_unique(ends.map(|c| self.source_of(c)).collect())
    }

    /// What a flow drawn into `node` reaches: the node itself, or, when it is a pass-through (a
    /// kind with the `pass_through` trait: public IP, load balancer, private endpoint, firewall,
    /// VPN gateway, which forward flows without terminating them), each resource behind it along
    /// traffic and private link connections, sorted by id, with the shortest route to it. A
    /// pass-through with nothing drawn behind it is what the flow reaches.
    pub fn reached_by<'s>(&'s self, node: &'a Node) -> impl Iterator<Item = Reached<'a, 's>> + 's {
        let behind = if self.has_trait(node, "pass_through") {
            self.position(node)
                .and_then(|position| self.behind_table().get(&position))
        } else {
            None
        };
        let direct = behind.is_none().then_some(Reached {
            service: node,
            through: &[],
        });
        let behind = behind.into_iter().flatten().map(|b| Reached {
            service: b.service,
            through: &b.through,
        });
        direct.into_iter().chain(behind)
    }

    fn behind_table(&self) -> &FxHashMap<u32, Box<[Behind<'a>]>> {
        self.behind.get_or_init(|| {
            let mut table = FxHashMap::default();
            for pass_through in self.nodes_with_trait("pass_through") {
                if let Some(root) = self.position(*pass_through) {
                    table.insert(root, self.walk_behind(root));
                }
            }
            table
        })
    }

    /// The resources behind the pass-through at `root`: breadth-first through further
    /// pass-throughs, so each keeps its shortest route; cycles end where they close.
    fn walk_behind(&self, root: u32) -> Box<[Behind<'a>]> {
        let is_pass_through =
            |position: u32| self.has_trait(self.all[position as usize], "pass_through");
        let mut previous: FxHashMap<u32, u32> = FxHashMap::default();
        previous.insert(root, NONE);
        let mut queue = VecDeque::from([root]);
        let mut found: Vec<u32> = Vec::new();
        while let Some(position) = queue.pop_front() {
            let onward = self
                .adjacency()
                .outgoing
                .get(position)
                .iter()
                .filter(|link| self.link_is(link, "traffic") || self.link_is(link, "private_link"));
            let mut leads_on = false;
            for link in onward {
                leads_on = true;
                let target = link.target_position;
                if previous.contains_key(&target) {
                    continue;
                }
                previous.insert(target, position);
                if is_pass_through(target) {
                    queue.push_back(target);
                } else {
                    found.push(target);
                }
            }
            if !leads_on {
                found.push(position);
            }
        }
        found.sort_unstable();
        found
            .into_iter()
            .map(|service| {
                let mut through = Vec::new();
                let mut step = if service == root {
                    NONE
                } else {
                    previous[&service]
                };
                while step != NONE {
                    through.push(self.all[step as usize]);
                    step = previous[&step];
                }
                through.reverse();
                Behind {
                    service: self.all[service as usize],
                    through: through.into_boxed_slice(),
                }
            })
            .collect()
    }

    /// The first data store (by id) a flow reaches, directly or through pass-throughs: what the
    /// data rules judge a flow by.
    pub fn data_store_reached_by<'s>(&'s self, link: &Link<'a>) -> Option<Reached<'a, 's>> {
        self.reached_by(self.target_of(link))
            .find(|r| self.has_trait(r.service, "data_store"))
    }

    /// The pass-throughs of a [`Reached`] route in words, to follow the resource's name in a
    /// message: `` through Private endpoint `pe-sql` ``; empty when the flow is drawn to the
    /// resource itself.
    pub fn describe_through(&self, through: &[&Node]) -> String {
        if through.is_empty() {
            return String::new();
        }
        let mut text = String::from(" through ");
        for (i, node) in through.iter().enumerate() {
            if i > 0 {
                text.push_str(if i + 1 == through.len() {
                    " and "
                } else {
                    ", "
                });
            }
            let _ = write!(text, "{} `{}`", self.kind_name(node), self.label(node));
        }
        text
    }

    /// Whether the node sends diagnostics to a log sink (Log Analytics, or a storage account or
    /// event hub used as an archive).
    pub fn sends_diagnostics(&self, node: &(impl NodeRef + ?Sized)) -> bool {
        self.outgoing(node)
            .iter()
            .any(|c| self.link_is(c, "diagnostics"))
    }

    // ---- governance ---------------------------------------------------------------------------

    /// Governing nodes (Defender, Policy, Sentinel: nodes with `governor_trait`) that have a
    /// `governs` connection to the node or to a container around it, sorted by id.
    pub fn governors(
        &self,
        node: &(impl NodeRef + ?Sized),
        governor_trait: &'static str,
    ) -> Vec<&'a Node> {
        let governs_into = self.governs_into.get_or_init(|| {
            let mut index: FxHashMap<u32, Vec<&'a Node>> = FxHashMap::default();
            for link in self.connections_of_kind("governs") {
                index
                    .entry(link.target_position)
                    .or_default()
                    .push(self.source_of(link));
            }
            index
        });
        if governs_into.is_empty() {
            return Vec::new();
        }
        let position = self.position(node);
        let scopes = position
            .into_iter()
            .chain(self.ancestor_positions(position));
        let found = scopes
            .filter_map(|scope| governs_into.get(&scope))
            .flatten()
            .copied()
            .filter(|g| self.has_trait(g, governor_trait));
        sorted_unique(found.collect())
    }

    /// Whether a governing node with `governor_trait` has a `governs` connection to the node or
    /// to a container around it.
    pub fn governed_by(
        &self,
        node: &(impl NodeRef + ?Sized),
        governor_trait: &'static str,
    ) -> bool {
        !self.governors(node, governor_trait).is_empty()
    }

    // ---- exposure -------------------------------------------------------------------------------

    /// Positions of the nodes that stand for the internet: internet zones and everything inside
    /// them, sorted.
    fn internet_sources(&self) -> &[u32] {
        self.internet_sources.get_or_init(|| {
            let mut sources: Vec<u32> = Vec::new();
            for zone in self.nodes_with_trait("internet_zone") {
                if let Some(root) = self.position(*zone) {
                    sources.push(root);
                    sources.extend(self.descendant_positions(root));
                }
            }
            sources.sort_unstable();
            sources.dedup();
            sources
        })
    }

    /// Whether the node is in the internet zone, or is the zone.
    pub fn in_internet(&self, node: &Node) -> bool {
        self.has_trait(node, "internet_zone") || self.inside_trait(node, "internet_zone")
    }

    /// Whether a node accepts traffic from the internet although no connection is drawn to it:
    /// a public entry point (public IP, Front Door, public load balancer, Application Gateway
    /// with a public frontend, external App Service Environment), or a resource whose own
    /// public endpoint is open to any network.
    pub fn publicly_accessible(&self, node: &Node) -> bool {
        match node.kind.as_str() {
            // Public entry points exist to take internet traffic.
            "public_ip" | "front_door" => true,
            "load_balancer" => self.text(node, "type") == "Public",
            "application_gateway" => matches!(self.text(node, "frontend"), "Public" | "Both"),
            "app_service_environment" => self.text(node, "load_balancer") == "External",
            // In internal mode the gateway has only a private address, whatever the public
            // network access setting says (that setting governs the private endpoint scenario).
            "api_management" => {
                self.text(node, "vnet_mode") != "Internal" && self.open_endpoint(node)
            }
            // Apps in an App Service Environment take traffic through the environment's load
            // balancer: an internal one keeps them private whatever their own settings say.
            "app_service" | "function_app" => {
                match self.enclosing(node, "app_service_environment") {
                    Some(ase) => {
                        self.text(ase, "load_balancer") == "External" && self.open_endpoint(node)
                    }
                    None => self.open_endpoint(node),
                }
            }
            "container_app" => {
                self.text(node, "ingress") == "External"
                    && !self.bool(node, "environment_internal")
                    && self.text(node, "environment_public_network_access") == "Enabled"
                    && self.text(node, "ip_restrictions_mode") != "Allow"
            }
            "sql_managed_instance" => self.bool(node, "public_data_endpoint"),
            _ => self.open_endpoint(node),
        }
    }

    /// Public network access on with no network rules, or a public IP on a VM.
    fn open_endpoint(&self, node: &Node) -> bool {
        self.public_endpoint(node) == PublicEndpoint::Any
    }

    /// What a resource's own public endpoint admits, by its network settings: public network
    /// access, the firewall's default action and the address ranges it names, the "allow Azure
    /// services" rule, app access restrictions, or a public IP of its own.
    pub fn public_endpoint(&self, node: &Node) -> PublicEndpoint {
        if self.has_property(node, "public_ip") && self.bool(node, "public_ip") {
            return PublicEndpoint::Any;
        }
        let public_access = if node.kind == "postgresql_flexible_server" {
            self.text(node, "network_mode") == "PublicAccess"
        } else {
            self.has_property(node, "public_network_access")
                && self.text(node, "public_network_access") == "Enabled"
        };
        if !public_access {
            return PublicEndpoint::Closed;
        }
        if self.has_property(node, "access_restrictions")
            && self.text(node, "access_restrictions") != "None"
        {
            return PublicEndpoint::Restricted;
        }
        let has = |property| self.has_property(node, property);
        if has("firewall_allows_all") && self.bool(node, "firewall_allows_all") {
            return PublicEndpoint::Any;
        }
        let ranges = if has("firewall_ip_rules") {
            self.int(node, "firewall_ip_rules").max(0)
        } else {
            0
        };
        let denies_by_default = if has("network_default_action") {
            self.text(node, "network_default_action") == "Deny"
        } else if self.has_trait(node, "firewall_denies_by_default") {
            true
        } else {
            // IP rules or a network filter switch the firewall on (Cosmos DB, Redis).
            ranges > 0
                || (has("virtual_network_filter") && self.bool(node, "virtual_network_filter"))
        };
        if !denies_by_default {
            PublicEndpoint::Any
        } else if has("allow_azure_services") && self.bool(node, "allow_azure_services") {
            PublicEndpoint::AzureServices
        } else if ranges > 0 {
            PublicEndpoint::NamedRanges(ranges)
        } else {
            PublicEndpoint::Closed
        }
    }

    /// Nodes that are [publicly accessible](Self::publicly_accessible), sorted by id.
    pub fn publicly_accessible_nodes(&self) -> &[&'a Node] {
        self.open_nodes.get_or_init(|| {
            // Only kinds that can have a public endpoint at all are looked at.
            let infos: Vec<&KindInfo<'a>> = self
                .kinds
                .iter()
                .filter(|info| {
                    EXPOSURE_KINDS.contains(&info.def.id.as_str())
                        || info.properties.contains_key("public_ip")
                        || info.properties.contains_key("public_network_access")
                })
                .collect();
            let mut open = merge_by_position(&infos);
            open.retain(|n| self.publicly_accessible(n));
            open
        })
    }

    /// A web application firewall that is on: Application Gateway WAF_v2 with WAF enabled, or
    /// Front Door with an enabled WAF policy.
    pub fn is_active_waf(&self, node: &Node) -> bool {
        if !self.has_trait(node, "waf_capable") {
            return false;
        }
        if self.has_property(node, "sku") && self.text(node, "sku") != "WAF_v2" {
            return false;
        }
        if self.has_property(node, "waf_policy_attached") && !self.bool(node, "waf_policy_attached")
        {
            return false;
        }
        self.bool(node, "waf_enabled")
    }

    /// Nodes the internet reaches along data flows, from the internet zone and from publicly
    /// accessible nodes, each with the node it was reached from ([`Self::reached_from`]). Azure
    /// Bastion is reached but ends the path: it terminates the session and opens its own to the
    /// machines behind it.
    pub fn internet_reachable(&self) -> &Reach {
        self.reach_network
            .get_or_init(|| self.exposure(Exposure::Network))
    }

    /// What web traffic from the internet reaches without passing an active WAF: like
    /// [`Self::internet_reachable`], but paths stop at an active WAF and do not follow
    /// [management](Self::is_management) flows, which carry no web traffic. A machine open by
    /// its own public IP whose drawn inbound flows are all management serves no web traffic
    /// either: it is no starting point.
    pub fn internet_reachable_past_waf(&self) -> &Reach {
        self.reach_web.get_or_init(|| self.exposure(Exposure::Web))
    }

    /// What the internet reaches without passing the application tier (compute and web
    /// workloads): paths stop there, do not continue out of data stores or Bastion, and do not
    /// follow RDP or SSH sessions.
    pub fn internet_reachable_past_application_tier(&self) -> &Reach {
        self.reach_data
            .get_or_init(|| self.exposure(Exposure::Data))
    }

    fn exposure(&self, exposure: Exposure) -> Reach {
        // The walk asks about every node it meets: it decides by kind where it can, without
        // reading the node. Per kind in `kinds`: whether it has any of the traits.
        let kinds_with = |names: &[&str]| -> Vec<bool> {
            let has = |info: &KindInfo| names.iter().any(|name| info.def.has_trait(name));
            self.kinds.iter().map(has).collect()
        };
        let is = |kinds: &[bool], position: u32| {
            let kind = self.kind_at[position as usize];
            kinds.get(kind as usize).copied().unwrap_or(false)
        };
        let bastion = self.kind_index.get("bastion").copied();
        // Bastion terminates the sessions it brokers: nothing passes through it.
        let past_bastion = move |position: u32| Some(self.kind_at[position as usize]) != bastion;
        let any_flow = |_: &Link<'a>| true;
        let not_session = |c: &Link<'a>| !self.is_management_session(c);
        match exposure {
            Exposure::Network => self.internet_reach(past_bastion, |_| false, any_flow),
            Exposure::Web => {
                let waf_capable = kinds_with(&["waf_capable"]);
                let active_waf = |position: u32| {
                    is(&waf_capable, position) && self.is_active_waf(self.all[position as usize])
                };
                let not_management = |c: &Link<'a>| !self.is_management(c);
                self.internet_reach(
                    past_bastion,
                    |p| active_waf(p) || self.serves_only_management(p),
                    not_management,
                )
            }
            Exposure::Data => {
                let data_store = kinds_with(&["data_store"]);
                let application_tier = kinds_with(&["compute", "web_workload"]);
                self.internet_reach(
                    |p| past_bastion(p) && !is(&data_store, p),
                    |p| is(&application_tier, p),
                    not_session,
                )
            }
        }
    }

    /// Whether a flow carries management rather than workload traffic: an RDP or SSH
    /// [session](Self::is_management_session), or traffic whose purpose is Management (portal,
    /// CLI, kubectl to an API server). The management rules judge these, not the web ones.
    pub fn is_management(&self, link: &Link) -> bool {
        link.management
    }

    /// Whether the node at `position` is open by its own public IP and every flow drawn into it
    /// is management: such a machine takes RDP or SSH, not web requests.
    fn serves_only_management(&self, position: u32) -> bool {
        let node = self.all[position as usize];
        let inbound = self.adjacency().incoming.get(position);
        self.has_property(node, "public_ip")
            && self.bool(node, "public_ip")
            && inbound.iter().any(|l| l.flow)
            && inbound.iter().filter(|l| l.flow).all(|l| l.management)
    }

    /// Whether a connection is an RDP or SSH session (by protocol, or by port 22 or 3389).
    pub fn is_management_session(&self, connection: &(impl ConnectionRef + ?Sized)) -> bool {
        connection.known_session().unwrap_or_else(|| {
            let kind = connection.kind_in(self);
            let set_properties = connection.set_properties();
            self.shared
                .is_session(connection.connection(), kind, set_properties)
        })
    }

    /// What the internet reaches along data flows (those `follows` accepts), from the internet
    /// zone and from publicly accessible nodes. Traffic continues only out of nodes `expands`
    /// accepts and never enters a node `blocks` accepts (a blocked node is not a starting point
    /// either); both take node positions. Breadth-first, linear in nodes plus connections,
    /// cycles included.
    fn internet_reach(
        &self,
        expands: impl Fn(u32) -> bool,
        blocks: impl Fn(u32) -> bool,
        follows: impl Fn(&Link<'a>) -> bool,
    ) -> Reach {
        let zone = self.internet_sources();
        let open: Vec<u32> = self
            .publicly_accessible_nodes()
            .iter()
            .filter_map(|n| self.position(*n))
            .filter(|&p| !blocks(p))
            .collect();
        let mut from = vec![UNREACHED; self.all.len()];
        let mut visited = vec![false; self.all.len()];
        let mut queue: VecDeque<u32> = VecDeque::new();
        for &p in zone.iter().chain(&open) {
            if !std::mem::replace(&mut visited[p as usize], true) {
                queue.push_back(p);
            }
        }
        let adjacency = self.adjacency();
        while let Some(position) = queue.pop_front() {
            if !expands(position) {
                continue;
            }
            for link in adjacency.outgoing.get(position) {
                let target = link.target_position;
                if !link.flow || visited[target as usize] || blocks(target) || !follows(link) {
                    continue;
                }
                visited[target as usize] = true;
                from[target as usize] = position;
                queue.push_back(target);
            }
        }
        for p in open {
            if from[p as usize] == UNREACHED {
                from[p as usize] = OPEN;
            }
        }
        // Nodes inside the internet zone are the internet, not exposed to it.
        for &p in zone {
            from[p as usize] = UNREACHED;
        }
        let count = from.iter().filter(|&&f| f != UNREACHED).count();
        Reach { from, count }
    }

    /// Whether the internet reaches the node in this analysis.
    pub fn reaches(&self, reach: &Reach, node: &(impl NodeRef + ?Sized)) -> bool {
        self.position(node).is_some_and(|p| reach.contains(p))
    }

    /// How the internet reaches the node: `None` when it does not, `Some(None)` when the node is
    /// open by itself, else the node it is reached from.
    pub fn reached_from(
        &self,
        reach: &Reach,
        node: &(impl NodeRef + ?Sized),
    ) -> Option<Option<&'a Node>> {
        let from = *reach.from.get(self.position(node)? as usize)?;
        match from {
            UNREACHED => None,
            OPEN => Some(None),
            previous => Some(self.all.get(previous as usize).copied()),
        }
    }

    /// The chain of nodes by which the internet reaches `node`, entry first, for messages.
    pub fn path_from_internet(
        &self,
        reach: &Reach,
        node: &(impl NodeRef + ?Sized),
    ) -> Vec<&'a Node> {
        let mut path = Vec::new();
        let mut current = self.position(node).filter(|&p| reach.contains(p));
        while let Some(position) = current {
            // Each step goes one node nearer the entry; more steps than nodes would be a loop.
            if path.len() > reach.count {
                break;
            }
            path.push(self.all[position as usize]);
            // The entry itself may be outside the reach (the internet zone is).
            current = match reach.from[position as usize] {
                UNREACHED | OPEN => None,
                previous => Some(previous),
            };
        }
        path.reverse();
        path
    }

    /// Path text for messages: `Internet → Front Door → Web app`.
    pub fn describe_path(&self, path: &[&Node]) -> String {
        let mut text = String::with_capacity(path.iter().map(|n| n.name.len() + 5).sum());
        for (i, node) in path.iter().enumerate() {
            if i > 0 {
                text.push_str(" → ");
            }
            let _ = write!(text, "{}", self.label(node));
        }
        text
    }
}

/// Whether two kind or property names are the same text. The design shares its names, so equal
/// ones are mostly the same copy and compare by address.
fn same_name(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}

/// Nodes sorted by id without repeats.
fn sorted_unique(mut nodes: Vec<&Node>) -> Vec<&Node> {
    if nodes.len() > 1 {
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        nodes.dedup_by(|a, b| a.id == b.id);
    }
    nodes
}

/// The nodes of several kinds in one list sorted by id: a merge of the kinds' lists, which are
/// each sorted already.
fn merge_by_position<'a>(infos: &[&KindInfo<'a>]) -> Vec<&'a Node> {
    match infos {
        [] => Vec::new(),
        [one] => one.nodes.clone(),
        _ => {
            let total = infos.iter().map(|info| info.nodes.len()).sum();
            let mut merged = Vec::with_capacity(total);
            let mut next = vec![0; infos.len()];
            // A handful of kinds: finding the smallest head by scanning them beats a heap.
            while let Some((kind, _)) = infos
                .iter()
                .enumerate()
                .filter_map(|(k, info)| info.positions.get(next[k]).map(|&p| (k, p)))
                .min_by_key(|&(_, position)| position)
            {
                merged.push(infos[kind].nodes[next[kind]]);
                next[kind] += 1;
            }
            merged
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Context;
    use crate::model::{Design, NodeId, Value, catalog};
    use crate::rules::registry;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet, run};

    fn id(text: &str) -> NodeId {
        NodeId::new(text).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Whether the node with this id is publicly accessible.
    fn public(design: &Design, node: &str) -> bool {
        let ctx = Context::new(design, catalog::builtin());
        let node = ctx.node(&id(node)).unwrap_or_else(|| panic!("no {node}"));
        ctx.publicly_accessible(node)
    }

    fn rule(id: &str) -> &'static crate::rules::Rule {
        registry::find(id).unwrap_or_else(|| panic!("no rule {id}"))
    }

    #[test]
    fn property_queries_answer_for_the_node_asked_in_any_order() {
        let mut builder = DesignBuilder::new().node("vnet", "virtual_network");
        for i in 0..6 {
            let subnet = format!("snet-{i}");
            builder = builder.child(&subnet, "subnet", "vnet");
            if i % 3 == 0 {
                builder = builder.set(&subnet, "environment", "NonProduction");
            }
            for j in 0..3 {
                let vm = format!("vm-{i}-{j}");
                builder = builder.child(&vm, "virtual_machine", &subnet);
                if (i + j) % 2 == 0 {
                    builder = builder.set(&vm, "security_type", "Standard");
                }
            }
        }
        let design = builder.build();
        let catalog = catalog::builtin();
        let ctx = Context::new(&design, catalog);
        let expected = |node: &crate::model::Node| {
            design
                .property(catalog, node, "security_type")
                .and_then(Value::as_text)
                .unwrap_or("")
                .to_owned()
        };
        let vms = ctx.nodes_of_kind("virtual_machine");
        assert_eq!(vms.len(), 18);
        // In order, backwards, and with each machine's subnet asked about in between.
        let in_order = vms.iter().chain(vms.iter().rev());
        for vm in in_order {
            assert_eq!(ctx.text(vm, "security_type"), expected(vm), "{}", vm.id);
            let subnet = ctx.enclosing(*vm, "subnet").expect("a subnet");
            assert_eq!(ctx.text(subnet, "security_type"), expected(subnet));
            assert!(ctx.has_property(subnet, "default_outbound_access"));
            assert!(!ctx.has_property(subnet, "security_type"));
            let environment = ctx.environment(vm);
            assert_eq!(
                environment == "NonProduction",
                vm.id.as_str().starts_with("vm-0") || vm.id.as_str().starts_with("vm-3"),
                "{}",
                vm.id
            );
            assert_eq!(ctx.text(vm, "security_type"), expected(vm), "{}", vm.id);
        }
        // A copy of a node, from elsewhere, answers for itself.
        let mut copy = vms[1].clone();
        copy.properties.clear();
        assert_eq!(ctx.text(&copy, "security_type"), expected(&copy));
        assert_eq!(ctx.text(vms[0], "security_type"), "Standard");
        assert_eq!(ctx.text(&copy, "security_type"), expected(&copy));
    }

    #[test]
    fn connection_queries_answer_with_what_each_connection_sets() {
        let text = |t: &str| Value::Text(t.to_owned());
        let design = DesignBuilder::new()
            .node("a", "virtual_machine")
            .node("b", "virtual_machine")
            .node("law", "log_analytics_workspace")
            .connect("a", "b", "traffic")
            .connect_with("a", "b", "traffic", &[("protocol", text("SSH"))])
            .connect_with("b", "a", "traffic", &[("port", Value::Int(3389))])
            .connect_with(
                "b",
                "a",
                "traffic",
                &[
                    ("auth", text("ManagedIdentity")),
                    ("encrypted", false.into()),
                ],
            )
            .connect("a", "law", "diagnostics")
            .build();
        // A property the catalog does not define (an invalid design) still answers with its value.
        let mut design = design;
        let odd = crate::model::Connection {
            id: design.fresh_connection_id(),
            kind: "traffic".into(),
            from: id("a"),
            to: id("b"),
            label: String::new(),
            properties: [("unknown_setting".into(), text("x"))].into(),
            route: Default::default(),
        };
        crate::model::Edit::Connect(odd)
            .apply(&mut design)
            .unwrap_or_else(|e| panic!("{e}"));
        let catalog = catalog::builtin();
        let ctx = Context::new(&design, catalog);
        let mut names: Vec<&'static str> = catalog
            .connection_kinds()
            .iter()
            .flat_map(|kind| kind.properties.iter().map(|p| p.id.as_str()))
            .collect();
        names.push("unknown_setting");
        let links = ctx.outgoing(&id("a")).iter().chain(ctx.outgoing(&id("b")));
        let mut sessions = 0;
        for link in links {
            for &name in &names {
                assert_eq!(
                    ctx.connection_value(link, name),
                    link.connection.property(catalog, name),
                    "{} {name}",
                    link.connection.id
                );
                assert_eq!(
                    ctx.connection_value(link.connection, name),
                    link.connection.property(catalog, name),
                );
            }
            let session = ctx.is_management_session(link);
            assert_eq!(session, ctx.is_management_session(link.connection));
            sessions += usize::from(session);
        }
        assert_eq!(sessions, 2, "SSH by protocol, RDP by port");
    }

    #[test]
    fn container_apps_with_external_ingress_in_a_public_environment_are_public() {
        let design = DesignBuilder::new()
            .node("open", "container_app")
            .node("internal-env", "container_app")
            .set("internal-env", "environment_internal", true)
            .node("closed-env", "container_app")
            .set(
                "closed-env",
                "environment_public_network_access",
                "Disabled",
            )
            .node("internal-ingress", "container_app")
            .set("internal-ingress", "ingress", "EnvironmentOnly")
            .node("allow-list", "container_app")
            .set("allow-list", "ip_restrictions_mode", "Allow")
            .build();
        assert!(public(&design, "open"));
        for closed in [
            "internal-env",
            "closed-env",
            "internal-ingress",
            "allow-list",
        ] {
            assert!(!public(&design, closed), "{closed}");
        }
        assert_fires_on(rule("NET-001"), &design, &["open"]);
    }

    #[test]
    fn api_management_in_internal_mode_is_private() {
        let design = DesignBuilder::new()
            .node("internal", "api_management")
            .set("internal", "vnet_mode", "Internal")
            .node("external", "api_management")
            .set("external", "vnet_mode", "External")
            .build();
        assert!(!public(&design, "internal"));
        assert!(public(&design, "external"));
        assert_fires_on(rule("NET-001"), &design, &["external"]);
    }

    #[test]
    fn apps_in_an_internal_app_service_environment_are_private() {
        let design = DesignBuilder::new()
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("ilb-ase", "app_service_environment", "snet")
            .set("ilb-ase", "load_balancer", "Internal")
            .child("private-app", "app_service", "ilb-ase")
            .child("private-func", "function_app", "ilb-ase")
            .child("ext-ase", "app_service_environment", "snet")
            .set("ext-ase", "load_balancer", "External")
            .child("public-app", "app_service", "ext-ase")
            .child("restricted-app", "app_service", "ext-ase")
            .set("restricted-app", "public_network_access", "Disabled")
            .build();
        for private in ["ilb-ase", "private-app", "private-func", "restricted-app"] {
            assert!(!public(&design, private), "{private}");
        }
        assert!(public(&design, "ext-ase"));
        assert!(public(&design, "public-app"));
        assert_fires_on(rule("NET-001"), &design, &["ext-ase", "public-app"]);
    }

    #[test]
    fn postgresql_and_sql_managed_instance_endpoints_follow_their_network_settings() {
        let design = DesignBuilder::new()
            .node("pg-public", "postgresql_flexible_server")
            .set("pg-public", "firewall_allows_all", true)
            // Public access with no firewall rule admits nobody.
            .node("pg-no-rules", "postgresql_flexible_server")
            .node("pg-vnet", "postgresql_flexible_server")
            .set("pg-vnet", "network_mode", "VnetInjected")
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("mi-private", "sql_managed_instance", "snet")
            .child("mi-public", "sql_managed_instance", "snet")
            .set("mi-public", "public_data_endpoint", true)
            .build();
        assert!(public(&design, "pg-public"));
        assert!(!public(&design, "pg-no-rules"));
        assert!(!public(&design, "pg-vnet"));
        assert!(!public(&design, "mi-private"));
        assert!(public(&design, "mi-public"));
        assert_fires_on(rule("NET-002"), &design, &["pg-public", "mi-public"]);
    }

    #[test]
    fn public_endpoints_admit_what_their_network_rules_say() {
        let design = DesignBuilder::new()
            .node("sql-closed", "sql_database")
            .node("sql-ranges", "sql_database")
            .set("sql-ranges", "firewall_ip_rules", 2)
            .node("sql-azure", "sql_database")
            .set("sql-azure", "allow_azure_services", true)
            .set("sql-azure", "firewall_ip_rules", 2)
            .node("sql-all", "sql_database")
            .set("sql-all", "allow_azure_services", true)
            .set("sql-all", "firewall_allows_all", true)
            .node("sql-off", "sql_database")
            .set("sql-off", "public_network_access", "Disabled")
            .set("sql-off", "firewall_allows_all", true)
            .node("st-open", "storage_account")
            .set("st-open", "firewall_ip_rules", 3)
            .node("st-deny", "storage_account")
            .set("st-deny", "network_default_action", "Deny")
            .node("st-one", "storage_account")
            .set("st-one", "network_default_action", "Deny")
            .set("st-one", "firewall_ip_rules", 1)
            .node("cosmos-open", "cosmos_db")
            .node("cosmos-subnets", "cosmos_db")
            .set("cosmos-subnets", "virtual_network_filter", true)
            .node("redis-ranges", "redis_cache")
            .set("redis-ranges", "firewall_ip_rules", 4)
            .node("app-restricted", "app_service")
            .set(
                "app-restricted",
                "access_restrictions",
                "ServiceTagWithFdid",
            )
            .build();
        let catalog = crate::model::catalog::builtin();
        let ctx = Context::new(&design, catalog);
        let endpoint = |id: &str| {
            let node = design
                .nodes()
                .find(|n| n.id.as_str() == id)
                .unwrap_or_else(|| panic!("no node `{id}`"));
            ctx.public_endpoint(node)
        };
        use super::PublicEndpoint::*;
        assert_eq!(endpoint("sql-closed"), Closed);
        assert_eq!(endpoint("sql-ranges"), NamedRanges(2));
        assert_eq!(endpoint("sql-azure"), AzureServices);
        assert_eq!(endpoint("sql-all"), Any);
        assert_eq!(endpoint("sql-off"), Closed);
        assert_eq!(endpoint("st-open"), Any);
        assert_eq!(endpoint("st-deny"), Closed);
        assert_eq!(endpoint("st-one"), NamedRanges(1));
        assert_eq!(endpoint("cosmos-open"), Any);
        assert_eq!(endpoint("cosmos-subnets"), Closed);
        assert_eq!(endpoint("redis-ranges"), NamedRanges(4));
        assert_eq!(endpoint("app-restricted"), Restricted);
        assert_eq!(NamedRanges(2).describe(), "only 2 named address ranges");
        assert_eq!(NamedRanges(1).describe(), "only 1 named address range");
    }

    #[test]
    fn public_entry_points_are_reachable_without_a_drawn_internet_edge() {
        let design = DesignBuilder::new()
            .node("pip", "public_ip")
            .node("fd", "front_door")
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("public-lb", "load_balancer", "snet")
            .child("internal-lb", "load_balancer", "snet")
            .set("internal-lb", "type", "Internal")
            .child("appgw", "application_gateway", "snet")
            .child("private-appgw", "application_gateway", "snet")
            .set("private-appgw", "frontend", "Private")
            .build();
        let ctx = Context::new(&design, catalog::builtin());
        let reach = ctx.internet_reachable();
        for open in ["pip", "fd", "public-lb", "appgw"] {
            assert_eq!(ctx.reached_from(reach, &id(open)), Some(None), "{open}");
        }
        for closed in ["internal-lb", "private-appgw", "vnet", "snet"] {
            assert!(!ctx.reaches(reach, &id(closed)), "{closed}");
        }
    }

    fn behind_bastion(session: Option<&str>) -> Design {
        let properties: Vec<(&str, Value)> = session
            .map(|protocol| vec![("protocol", Value::from(protocol))])
            .unwrap_or_default();
        DesignBuilder::new()
            .node("internet", "internet")
            .child("admin", "operator", "internet")
            .node("pip", "public_ip")
            .node("vnet", "virtual_network")
            .child("bastion-snet", "subnet", "vnet")
            .set("bastion-snet", "purpose", "AzureBastionSubnet")
            .child("bastion", "bastion", "bastion-snet")
            .child("snet", "subnet", "vnet")
            .child("vm", "virtual_machine", "snet")
            .node("st", "storage_account")
            .set("st", "public_network_access", "Disabled")
            .connect("admin", "pip", "traffic")
            .connect("pip", "bastion", "traffic")
            .connect_with("bastion", "vm", "traffic", &properties)
            .connect("bastion", "st", "traffic")
            .build()
    }

    #[test]
    fn internet_reach_ends_at_bastion() {
        for session in [None, Some("RDP")] {
            let design = behind_bastion(session);
            let ctx = Context::new(&design, catalog::builtin());
            for reach in [
                ctx.internet_reachable(),
                ctx.internet_reachable_past_waf(),
                ctx.internet_reachable_past_application_tier(),
            ] {
                assert!(ctx.reaches(reach, &id("bastion")));
                assert!(!ctx.reaches(reach, &id("vm")), "{session:?}");
                assert!(!ctx.reaches(reach, &id("st")), "{session:?}");
            }
            assert_quiet(rule("NET-001"), &design);
            assert_quiet(rule("NET-002"), &design);
            assert_quiet(rule("NET-007"), &design);
        }
    }

    #[test]
    fn rdp_and_ssh_sessions_carry_no_web_exposure() {
        for (property, value) in [
            ("protocol", Value::from("RDP")),
            ("protocol", Value::from("SSH")),
            ("port", Value::from(22_i64)),
        ] {
            let design = DesignBuilder::new()
                .node("pip", "public_ip")
                .node("vnet", "virtual_network")
                .child("snet", "subnet", "vnet")
                .child("vm", "virtual_machine", "snet")
                .child("jump", "virtual_machine", "snet")
                .connect_with("pip", "vm", "traffic", &[(property, value.clone())])
                .connect_with("pip", "jump", "traffic", &[])
                .build();
            let ctx = Context::new(&design, catalog::builtin());
            // The network reach follows the session; web exposure does not.
            assert!(ctx.reaches(ctx.internet_reachable(), &id("vm")));
            assert!(!ctx.reaches(ctx.internet_reachable_past_waf(), &id("vm")));
            assert_fires_on(rule("NET-001"), &design, &["jump"]);
            let findings = run(rule("NET-007"), &design);
            assert_eq!(findings.len(), 1, "{findings:#?}");
        }
    }

    #[test]
    fn flows_reach_what_stands_behind_pass_throughs() {
        let design = DesignBuilder::new()
            .node("pip", "public_ip")
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("lb", "load_balancer", "snet")
            .child("vm-a", "virtual_machine", "snet")
            .child("vm-b", "virtual_machine", "snet")
            .child("pe-idle", "private_endpoint", "snet")
            .connect("pip", "lb", "traffic")
            .connect("lb", "vm-b", "traffic")
            .connect("lb", "vm-a", "traffic")
            .connect("lb", "pip", "traffic")
            .build();
        let ctx = Context::new(&design, catalog::builtin());
        let routes = |node: &str| -> Vec<(String, Vec<String>)> {
            let node = ctx.node(&id(node)).unwrap_or_else(|| panic!("no {node}"));
            ctx.reached_by(node)
                .map(|r| {
                    let through = r.through.iter().map(|n| n.id.to_string()).collect();
                    (r.service.id.to_string(), through)
                })
                .collect()
        };
        let via = |nodes: &[&str]| nodes.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        // Sorted by id, each with its route; the cycle back to the address ends there.
        assert_eq!(
            routes("pip"),
            [
                ("vm-a".to_owned(), via(&["pip", "lb"])),
                ("vm-b".to_owned(), via(&["pip", "lb"])),
            ]
        );
        assert_eq!(routes("vm-a"), [("vm-a".to_owned(), via(&[]))]);
        assert_eq!(routes("pe-idle"), [("pe-idle".to_owned(), via(&[]))]);
        let pip = ctx.node(&id("pip")).unwrap_or_else(|| panic!("no pip"));
        let lb = ctx.node(&id("lb")).unwrap_or_else(|| panic!("no lb"));
        assert_eq!(
            ctx.describe_through(&[pip, lb]),
            " through Public IP address `pip` and Load Balancer `lb`"
        );
    }
}
