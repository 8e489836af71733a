package graph

import (
	"math"
	"sort"
)

// The layout is layered (Sugiyama style), machine by machine from the
// inside out: a Parallel or Map state is laid out first, its branches or
// item processor side by side in a box under a header, and then placed in
// its own machine as one big node.
//
//  1. Cycles are broken by reversing the back edges of a depth-first
//     search from the entry.
//  2. Labelled edges get a label node in the middle, so labels never
//     overlap states; layers are the longest path from the sources.
//  3. Edges spanning several layers get a dummy node in each.
//  4. Layers are ordered by barycentres, sweeping down and up, keeping
//     the order with the fewest crossings.
//  5. x coordinates: each layer in turn is placed as close as its order
//     and spacing allow to the mean of its neighbours (isotonic
//     regression by pool-adjacent-violators), sweeping down and up.

// Sizes, in pixels.
const (
	nameSize    = 13.0 // state names, bold
	smallSize   = 11.0 // kind, details, overlay lines
	labelSize   = 10.5 // edge labels
	nameLineH   = 17.0
	smallLineH  = 14.0
	padX        = 14.0
	padY        = 8.0
	minNodeW    = 96.0
	choiceInset = 12.0 // the pointed ends of a Choice
	rankSep     = 30.0 // between layers
	nodeSep     = 26.0 // between neighbours in a layer
	dummySep    = 12.0
	startR      = 17.0 // radius of Start and End
	labelPadX   = 5.0
	labelPadY   = 2.0
	loopW       = 26.0 // how far a self loop reaches right of its state

	cpad       = 12.0 // inside a Parallel or Map box
	childGap   = 16.0 // between branches
	childTitle = 18.0 // the branch title line
	forkGap    = 26.0 // header to branches
	joinGap    = 22.0 // branches to the join bar
	joinH      = 6.0
)

type role int

const (
	roleState role = iota
	roleEntry
	roleExit
	roleDummy
	roleLabel
)

type pt struct{ x, y float64 }

// A textLine is one line of text in a state.
type textLine struct {
	text  string
	class string // name, kind, detail, retry, run, error
	size  float64
	bold  bool
}

// An lnode is a node of a machine's layout.
type lnode struct {
	idx    int
	role   role
	st     *state
	edge   *edge // label nodes
	w, h   float64
	lw     float64 // width in the layout: w plus room for self loops
	layer  int
	order  int
	x, y   float64 // x is the centre, y the top
	lines  []textLine
	inner  *compound
	loops  []*edge
	preds  []*lnode
	succs  []*lnode
	wpreds []float64 // edge weights, as preds
	wsuccs []float64
	dfs    int
}

// A compound is the inside of a Parallel or Map state, relative to its
// top left corner.
type compound struct {
	hw, hh   float64 // the header, centred at the top
	children []*childBox
	joinY    float64
}

type childBox struct {
	x, y, w, h float64
	box        *layoutBox
}

// A route is an edge as drawn: a path through points, from the source's
// border to the target's.
type route struct {
	e     *edge
	pts   []pt
	back  bool
	label *lnode
	loop  bool
	from  *lnode
}

// A layoutBox is a laid out machine; coordinates are relative to it.
type layoutBox struct {
	mc          *machine
	w, h        float64
	nodes       []*lnode
	routes      []*route
	entry, exit *lnode
	top         bool
}

// layoutMachine lays out mc and, first, the compound states in it.
func (md *model) layoutMachine(mc *machine, top bool) *layoutBox {
	lb := &layoutBox{mc: mc, top: top}
	var nodes []*lnode
	add := func(n *lnode) *lnode {
		n.idx = len(nodes)
		if n.lw == 0 {
			n.lw = n.w
		}
		nodes = append(nodes, n)
		return n
	}
	lb.entry = add(&lnode{role: roleEntry})
	if top {
		lb.entry.w, lb.entry.h = 2*startR, 2*startR
	}
	byState := map[*state]*lnode{}
	for _, s := range mc.states {
		n := &lnode{role: roleState, st: s}
		md.sizeState(n)
		byState[s] = add(n)
	}
	lb.exit = add(&lnode{role: roleExit})
	if top {
		lb.exit.w, lb.exit.h = 2*startR, 2*startR
	}
	end := func(s *state, entry bool) *lnode {
		switch {
		case s != nil:
			return byState[s]
		case entry:
			return lb.entry
		}
		return lb.exit
	}

	// Self loops are drawn beside their state.
	type dEdge struct {
		from, to *lnode
		e        *edge
	}
	var edges []dEdge
	for _, e := range mc.edges {
		from, to := end(e.from, true), end(e.to, false)
		if from == to {
			from.loops = append(from.loops, e)
			continue
		}
		edges = append(edges, dEdge{from, to, e})
	}
	for _, n := range nodes {
		for _, e := range n.loops {
			ext := loopW + 8
			if e.label != "" {
				ext += textWidth(e.label, labelSize, false) + 2*labelPadX
			}
			n.lw = math.Max(n.lw, n.w+2*ext)
		}
	}

	// 1. Break cycles: a depth-first search from the entry, then from the
	// states it did not reach, in declaration order.
	out := make([][]int, len(nodes)) // edge indexes by source
	for i, de := range edges {
		out[de.from.idx] = append(out[de.from.idx], i)
	}
	reversed := make([]bool, len(edges))
	color := make([]int, len(nodes)) // 0 white, 1 on the stack, 2 done
	var visit func(v int)
	visit = func(v int) {
		color[v] = 1
		for _, ei := range out[v] {
			w := edges[ei].to.idx
			switch color[w] {
			case 0:
				visit(w)
			case 1:
				reversed[ei] = true
			}
		}
		color[v] = 2
	}
	visit(lb.entry.idx)
	for _, n := range nodes {
		if color[n.idx] == 0 && n != lb.exit {
			visit(n.idx)
		}
	}

	// 2. The layered graph: label nodes split labelled edges.
	type chain struct {
		de    dEdge
		back  bool
		nodes []*lnode // in layout direction, ends included
		label *lnode
	}
	chains := make([]*chain, len(edges))
	link := func(a, b *lnode, w float64) {
		a.succs = append(a.succs, b)
		a.wsuccs = append(a.wsuccs, w)
		b.preds = append(b.preds, a)
		b.wpreds = append(b.wpreds, w)
	}
	for i, de := range edges {
		c := &chain{de: de, back: reversed[i]}
		u, v := de.from, de.to
		if c.back {
			u, v = v, u
		}
		c.nodes = []*lnode{u}
		if de.e.label != "" {
			l := add(&lnode{role: roleLabel, edge: de.e})
			l.w = textWidth(de.e.label, labelSize, false) + 2*labelPadX
			l.h = labelSize + 2*labelPadY + 2
			l.lw = l.w
			c.label = l
			c.nodes = append(c.nodes, l)
		}
		c.nodes = append(c.nodes, v)
		chains[i] = c
	}
	for _, c := range chains {
		for k := 0; k+1 < len(c.nodes); k++ {
			link(c.nodes[k], c.nodes[k+1], 1)
		}
	}

	// Longest path layering, in a topological order (Kahn, by index).
	indeg := make([]int, len(nodes))
	for _, n := range nodes {
		indeg[n.idx] = len(n.preds)
	}
	var queue []*lnode
	for _, n := range nodes {
		if indeg[n.idx] == 0 {
			queue = append(queue, n)
		}
	}
	maxLayer := 0
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, s := range n.succs {
			if n.layer+1 > s.layer {
				s.layer = n.layer + 1
			}
			indeg[s.idx]--
			if indeg[s.idx] == 0 {
				queue = append(queue, s)
			}
		}
	}
	for _, n := range nodes {
		if n != lb.exit && n.layer > maxLayer {
			maxLayer = n.layer
		}
	}
	lb.exit.layer = maxLayer + 1
	if len(mc.states) == 0 {
		lb.exit.layer = 1
	}
	maxLayer = lb.exit.layer

	// 3. Dummy nodes along edges that span several layers.
	for _, c := range chains {
		var full []*lnode
		for k := 0; k+1 < len(c.nodes); k++ {
			a, b := c.nodes[k], c.nodes[k+1]
			full = append(full, a)
			if b.layer-a.layer <= 1 {
				continue
			}
			unlink(a, b)
			prev := a
			for l := a.layer + 1; l < b.layer; l++ {
				d := add(&lnode{role: roleDummy, layer: l})
				w := 2.0
				if prev.role == roleDummy {
					w = 8
				}
				link(prev, d, w)
				full = append(full, d)
				prev = d
			}
			w := 2.0
			link(prev, b, w)
		}
		full = append(full, c.nodes[len(c.nodes)-1])
		c.nodes = full
	}

	// 4. Order the layers.
	layers := make([][]*lnode, maxLayer+1)
	dfsOrder(nodes, lb.entry)
	for _, n := range nodes {
		if n.layer >= 0 && n.layer <= maxLayer {
			layers[n.layer] = append(layers[n.layer], n)
		}
	}
	for _, l := range layers {
		sort.SliceStable(l, func(i, j int) bool { return l[i].dfs < l[j].dfs })
		setOrder(l)
	}
	orderLayers(layers)

	// 5. Coordinates.
	tops := make([]float64, len(layers))
	heights := make([]float64, len(layers))
	y := 0.0
	if !top {
		y = 0
	}
	for i, l := range layers {
		for _, n := range l {
			heights[i] = math.Max(heights[i], n.h)
		}
		tops[i] = y
		gap := rankSep
		if !top && (i == 0 || i == len(layers)-2) {
			gap = rankSep * 0.6
		}
		y += heights[i] + gap
	}
	for i, l := range layers {
		for _, n := range l {
			n.y = tops[i]
			if n.role == roleLabel || n.role == roleEntry || n.role == roleExit {
				n.y = tops[i] + (heights[i]-n.h)/2
			}
			if n.role == roleDummy {
				n.h = heights[i]
			}
		}
	}
	placeX(layers)
	minX, maxX := math.Inf(1), math.Inf(-1)
	for _, n := range nodes {
		minX = math.Min(minX, n.x-n.lw/2)
		maxX = math.Max(maxX, n.x+n.lw/2)
	}
	for _, n := range nodes {
		n.x -= minX
	}
	lb.w = maxX - minX
	lb.h = tops[maxLayer] + heights[maxLayer]

	// Routes.
	for _, c := range chains {
		r := &route{e: c.de.e, back: c.back, label: c.label, from: c.de.from}
		seq := c.nodes
		if c.back {
			seq = make([]*lnode, len(c.nodes))
			for k, n := range c.nodes {
				seq[len(seq)-1-k] = n
			}
		}
		for k, n := range seq {
			switch {
			case k == 0:
				r.pts = append(r.pts, exitPoint(n, c.back))
			case k == len(seq)-1:
				r.pts = append(r.pts, entryPoint(n, c.back))
			case c.back:
				r.pts = append(r.pts, pt{n.x, n.y + n.h}, pt{n.x, n.y})
			default:
				r.pts = append(r.pts, pt{n.x, n.y}, pt{n.x, n.y + n.h})
			}
		}
		lb.routes = append(lb.routes, r)
	}
	for _, n := range nodes {
		for _, e := range n.loops {
			lb.routes = append(lb.routes, &route{e: e, loop: true, from: n})
		}
	}
	lb.nodes = nodes
	return lb
}

// exitPoint is where an edge leaves n: the bottom centre, or for a back
// edge (drawn upwards) the top, right of centre.
func exitPoint(n *lnode, back bool) pt {
	if back {
		return pt{n.x + n.w/4, n.y}
	}
	return pt{n.x, n.y + n.h}
}

// entryPoint is where an edge arrives at n: the top centre, or for a back
// edge the bottom, right of centre.
func entryPoint(n *lnode, back bool) pt {
	if back {
		return pt{n.x + n.w/4, n.y + n.h}
	}
	return pt{n.x, n.y}
}

func unlink(a, b *lnode) {
	for i, s := range a.succs {
		if s == b {
			a.succs = append(a.succs[:i], a.succs[i+1:]...)
			a.wsuccs = append(a.wsuccs[:i], a.wsuccs[i+1:]...)
			break
		}
	}
	for i, p := range b.preds {
		if p == a {
			b.preds = append(b.preds[:i], b.preds[i+1:]...)
			b.wpreds = append(b.wpreds[:i], b.wpreds[i+1:]...)
			break
		}
	}
}

// dfsOrder numbers the nodes in depth-first preorder from the entry
// (then the rest by index): the initial order of each layer, so that the
// first transition of a state starts on the left.
func dfsOrder(nodes []*lnode, entry *lnode) {
	for _, n := range nodes {
		n.dfs = -1
	}
	k := 0
	var visit func(n *lnode)
	visit = func(n *lnode) {
		n.dfs = k
		k++
		for _, s := range n.succs {
			if s.dfs < 0 {
				visit(s)
			}
		}
	}
	visit(entry)
	for _, n := range nodes {
		if n.dfs < 0 {
			visit(n)
		}
	}
}

func setOrder(l []*lnode) {
	for i, n := range l {
		n.order = i
	}
}

// orderLayers reduces crossings by barycentric sweeps, keeping the best
// order seen.
func orderLayers(layers [][]*lnode) {
	best := snapshot(layers)
	bestCross := crossings(layers)
	for iter := 0; iter < 24 && bestCross > 0; iter++ {
		if iter%2 == 0 {
			for i := 1; i < len(layers); i++ {
				sortByBarycenter(layers[i], true)
			}
		} else {
			for i := len(layers) - 2; i >= 0; i-- {
				sortByBarycenter(layers[i], false)
			}
		}
		if c := crossings(layers); c < bestCross {
			bestCross = c
			best = snapshot(layers)
		}
	}
	for i := range layers {
		copy(layers[i], best[i])
		setOrder(layers[i])
	}
}

func snapshot(layers [][]*lnode) [][]*lnode {
	s := make([][]*lnode, len(layers))
	for i, l := range layers {
		s[i] = append([]*lnode(nil), l...)
	}
	return s
}

func sortByBarycenter(l []*lnode, down bool) {
	keys := make(map[*lnode]float64, len(l))
	for _, n := range l {
		nb := n.succs
		if down {
			nb = n.preds
		}
		if len(nb) == 0 {
			keys[n] = float64(n.order)
			continue
		}
		sum := 0.0
		for _, m := range nb {
			sum += float64(m.order)
		}
		keys[n] = sum / float64(len(nb))
	}
	sort.SliceStable(l, func(i, j int) bool { return keys[l[i]] < keys[l[j]] })
	setOrder(l)
}

// crossings counts the edge crossings between adjacent layers.
func crossings(layers [][]*lnode) int {
	total := 0
	for i := 0; i+1 < len(layers); i++ {
		type seg struct{ a, b int }
		var segs []seg
		for _, n := range layers[i] {
			for _, s := range n.succs {
				segs = append(segs, seg{n.order, s.order})
			}
		}
		sort.Slice(segs, func(x, y int) bool {
			if segs[x].a != segs[y].a {
				return segs[x].a < segs[y].a
			}
			return segs[x].b < segs[y].b
		})
		// Inversions of b: a Fenwick tree over the next layer's positions.
		tree := make([]int, len(layers[i+1])+1)
		seen := 0
		for _, s := range segs {
			// segments seen so far with b > s.b cross this one
			le := 0
			for k := s.b + 1; k > 0; k -= k & -k {
				le += tree[k]
			}
			total += seen - le
			for k := s.b + 1; k < len(tree); k += k & -k {
				tree[k]++
			}
			seen++
		}
	}
	return total
}

// separation is the least distance between the centres of neighbours.
func separation(a, b *lnode) float64 {
	gap := nodeSep
	if a.role == roleDummy || b.role == roleDummy {
		gap = dummySep
	}
	return a.lw/2 + b.lw/2 + gap
}

// placeX sets the x coordinates.
func placeX(layers [][]*lnode) {
	// Start packed from the left, each layer centred on the widest.
	widest := 0.0
	widths := make([]float64, len(layers))
	for i, l := range layers {
		x := 0.0
		for k, n := range l {
			if k > 0 {
				x += separation(l[k-1], n)
			}
			n.x = x
		}
		if len(l) > 0 {
			widths[i] = x
		}
		widest = math.Max(widest, widths[i])
	}
	for i, l := range layers {
		for _, n := range l {
			n.x += (widest - widths[i]) / 2
		}
	}
	for iter := 0; iter < 16; iter++ {
		switch {
		case iter >= 12:
			for i := range layers {
				placeLayer(layers[i], 0)
			}
		case iter%2 == 0:
			for i := 1; i < len(layers); i++ {
				placeLayer(layers[i], 1)
			}
		default:
			for i := len(layers) - 2; i >= 0; i-- {
				placeLayer(layers[i], -1)
			}
		}
	}
}

// placeLayer moves the nodes of l as close to the weighted mean of their
// neighbours (above: dir 1, below: -1, both: 0) as the order and the
// spacing allow.
func placeLayer(l []*lnode, dir int) {
	if len(l) == 0 {
		return
	}
	want := make([]float64, len(l))
	weight := make([]float64, len(l))
	for i, n := range l {
		sum, ws := 0.0, 0.0
		if dir >= 0 {
			for k, p := range n.preds {
				sum += p.x * n.wpreds[k]
				ws += n.wpreds[k]
			}
		}
		if dir <= 0 {
			for k, s := range n.succs {
				sum += s.x * n.wsuccs[k]
				ws += n.wsuccs[k]
			}
		}
		if ws == 0 {
			want[i], weight[i] = n.x, 0.5
			continue
		}
		want[i], weight[i] = sum/ws, ws
	}
	xs := isotonic(l, want, weight)
	for i, n := range l {
		n.x = xs[i]
	}
}

// isotonic returns the positions closest (weighted least squares) to want
// that keep the order of l and its separations: pool adjacent violators
// on want shifted by the cumulative separations.
func isotonic(l []*lnode, want, weight []float64) []float64 {
	n := len(l)
	c := make([]float64, n)
	for i := 1; i < n; i++ {
		c[i] = c[i-1] + separation(l[i-1], l[i])
	}
	type block struct {
		sum, w float64
		count  int
	}
	var blocks []block
	for i := 0; i < n; i++ {
		blocks = append(blocks, block{(want[i] - c[i]) * weight[i], weight[i], 1})
		for len(blocks) > 1 {
			a, b := blocks[len(blocks)-2], blocks[len(blocks)-1]
			if a.sum/a.w <= b.sum/b.w {
				break
			}
			blocks = blocks[:len(blocks)-2]
			blocks = append(blocks, block{a.sum + b.sum, a.w + b.w, a.count + b.count})
		}
	}
	out := make([]float64, 0, n)
	for _, b := range blocks {
		v := b.sum / b.w
		for k := 0; k < b.count; k++ {
			out = append(out, v+c[len(out)])
		}
	}
	return out
}
