package graph

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// mermaid writes the model as a Mermaid flowchart. A Parallel or Map
// state is a subgraph holding its branches (subgraphs) or its item
// processor; transitions arrive at and leave from the subgraph.
func (md *model) mermaid() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\n---\n", yamlString(clean(md.title)))
	b.WriteString("flowchart TD\n")
	if md.comment != "" {
		fmt.Fprintf(&b, "  %%%% %s\n", mermaidComment(md.comment))
	}
	if s := md.summary(); s != "" {
		fmt.Fprintf(&b, "  %%%% %s\n", mermaidComment(s))
	}
	b.WriteString("  start((\"Start\"))\n")
	b.WriteString("  end_(((\"End\")))\n")
	classes := map[string][]string{}
	var subgraphStyles []string
	md.mermaidStates(&b, md.top.states, "  ", classes, &subgraphStyles)

	var styles []string
	for _, e := range md.edges {
		from, to := mermaidEnds(e)
		if from == "" || to == "" {
			continue
		}
		arrow := "-->"
		if e.kind == edgeCatch {
			arrow = "-.->"
		}
		label := ""
		switch e.kind {
		case edgeChoice, edgeCatch:
			label = "|" + mermaidString(e.tip) + "|"
		case edgeDefault:
			label = "|\"Default\"|"
		}
		fmt.Fprintf(&b, "  %s %s%s %s\n", from, arrow, label, to)
		styles = append(styles, md.mermaidLinkStyle(e))
	}

	b.WriteString("  classDef startEnd fill:" + colorStartEnd + ",stroke:" + colorStartEnd + ",color:#ffffff\n")
	if md.run == nil {
		for _, k := range []string{"Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "State"} {
			if p := kindColors[k]; classes[strings.ToLower(k)] != nil {
				fmt.Fprintf(&b, "  classDef %s fill:%s,stroke:%s,color:%s\n", strings.ToLower(k), p.fill, p.stroke, p.text)
			}
		}
	} else {
		for st := notRun; st <= failed; st++ {
			if classes[st.String()] == nil {
				continue
			}
			p := statusColors[st]
			extra := ""
			switch st {
			case failed:
				extra = ",stroke-width:3px"
			case notRun:
			default:
				extra = ",stroke-width:2px"
			}
			fmt.Fprintf(&b, "  classDef %s fill:%s,stroke:%s,color:%s%s\n", st, p.fill, p.stroke, p.text, extra)
		}
	}
	b.WriteString("  class start,end_ startEnd\n")
	names := make([]string, 0, len(classes))
	for c := range classes {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		fmt.Fprintf(&b, "  class %s %s\n", strings.Join(classes[c], ","), c)
	}
	for _, s := range subgraphStyles {
		b.WriteString("  " + s + "\n")
	}
	// linkStyle lines for runs of edges that look the same.
	for i := 0; i < len(styles); {
		j := i
		var idx []string
		for j < len(styles) && styles[j] == styles[i] {
			idx = append(idx, strconv.Itoa(j))
			j++
		}
		if styles[i] != "" {
			fmt.Fprintf(&b, "  linkStyle %s %s\n", strings.Join(idx, ","), styles[i])
		}
		i = j
	}
	return []byte(b.String())
}

func (md *model) mermaidStates(b *strings.Builder, states []*state, indent string, classes map[string][]string, subStyles *[]string) {
	for _, s := range states {
		class := strings.ToLower(s.kind)
		if md.run != nil {
			class = s.run.status.String()
		}
		label := mermaidLabel(md.stateLines(s))
		if !s.compound() {
			open, close := mermaidShape(s.kind)
			fmt.Fprintf(b, "%s%s%s%s%s\n", indent, s.id, open, label, close)
			classes[class] = append(classes[class], s.id)
			continue
		}
		fmt.Fprintf(b, "%ssubgraph %s[%s]\n", indent, s.id, label)
		fmt.Fprintf(b, "%s  direction TB\n", indent)
		for _, c := range s.children {
			if s.kind == "Map" {
				md.mermaidStates(b, c.states, indent+"  ", classes, subStyles)
				continue
			}
			fmt.Fprintf(b, "%s  subgraph %s[%s]\n", indent, c.id, mermaidString(c.label))
			fmt.Fprintf(b, "%s    direction TB\n", indent)
			md.mermaidStates(b, c.states, indent+"    ", classes, subStyles)
			fmt.Fprintf(b, "%s  end\n", indent)
			*subStyles = append(*subStyles, fmt.Sprintf("style %s fill:#ffffff,stroke:#d5dae0", c.id))
		}
		fmt.Fprintf(b, "%send\n", indent)
		p := md.colors(s)
		width := "1px"
		if md.run != nil && s.run.status != notRun {
			width = "2px"
		}
		*subStyles = append(*subStyles, fmt.Sprintf("style %s fill:#fbfcfd,stroke:%s,stroke-width:%s,stroke-dasharray:5 4", s.id, p.stroke, width))
	}
}

// stateLines is the text of a state node: name, kind and details, retry
// lines, and the overlay.
func (md *model) stateLines(s *state) []string {
	lines := []string{string(s.name)}
	kind := s.kind
	if s.compound() {
		kind = s.kind + " state"
	}
	lines = append(lines, kind)
	lines = append(lines, s.details...)
	lines = append(lines, s.retry...)
	for _, r := range md.runLines(s, false) {
		lines = append(lines, truncate(r, 80))
	}
	return lines
}

func mermaidShape(kind string) (string, string) {
	switch kind {
	case "Task":
		return "(", ")"
	case "Choice":
		return "{", "}"
	case "Wait":
		return "[/", "/]"
	case "Succeed":
		return "([", "])"
	case "Fail":
		return "{{", "}}"
	}
	return "[", "]"
}

func mermaidEnds(e *edge) (from, to string) {
	switch {
	case e.from == nil && e.mach.owner == nil:
		from = "start"
	case e.from == nil:
		return "", "" // a branch starts where its subgraph does
	default:
		from = e.from.id
	}
	switch {
	case e.to == nil && e.mach.owner == nil:
		to = "end_"
	case e.to == nil:
		return "", ""
	default:
		to = e.to.id
	}
	return from, to
}

func (md *model) mermaidLinkStyle(e *edge) string {
	color, width := md.edgeColor(e)
	var parts []string
	if md.run != nil || e.kind == edgeCatch {
		parts = append(parts, "stroke:"+color)
	}
	if width > 2 {
		parts = append(parts, "stroke-width:3px")
	}
	if e.kind == edgeDefault {
		parts = append(parts, "stroke-dasharray:2 3")
	}
	if e.kind == edgeCatch {
		parts = append(parts, "color:"+colorCatch)
	}
	return strings.Join(parts, ",")
}

// mermaidLabel joins lines into a quoted Mermaid label, the first bold.
func mermaidLabel(lines []string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, l := range lines {
		if i == 0 {
			b.WriteString("<b>" + mermaidEscape(l) + "</b>")
			continue
		}
		b.WriteString("<br/>" + mermaidEscape(l))
	}
	b.WriteByte('"')
	return b.String()
}

// mermaidString quotes s for a Mermaid label.
func mermaidString(s string) string {
	return "\"" + mermaidEscape(s) + "\""
}

// mermaidEscape writes the characters Mermaid would read as markup as
// entity codes (#quot; and #NN;).
func mermaidEscape(s string) string {
	var b strings.Builder
	for _, r := range clean(s) {
		switch r {
		case '"':
			b.WriteString("#quot;")
		case '#', '<', '>', '&', '`', '|', '\\':
			b.WriteString("#" + strconv.Itoa(int(r)) + ";")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func mermaidComment(s string) string {
	return strings.TrimSpace(clean(s))
}

// yamlString quotes s as a YAML double-quoted scalar.
func yamlString(s string) string {
	return strconv.Quote(s)
}
