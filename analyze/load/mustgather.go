package load

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// OpenShift's must-gather (`oc adm must-gather`, `oc adm inspect`) writes
// YAML, under one folder per gather image:
//
//	[<image>/]cluster-scoped-resources/<group>/<resource>.yaml           a list
//	[<image>/]cluster-scoped-resources/<group>/<resource>/<name>.yaml    one object
//	[<image>/]namespaces/<ns>/<ns>.yaml                                  the Namespace
//	[<image>/]namespaces/<ns>/<group>/<resource>.yaml                    a list
//	[<image>/]namespaces/<ns>/pods/<pod>/<pod>.yaml                      the Pod
//	[<image>/]namespaces/<ns>/pods/<pod>/<container>/<container>/logs/{current,previous}.log
//	[<image>/]timestamp                                                  start and end times
//
// It gathers the namespaces and objects of the platform's operators, not
// the whole cluster: every list read from it is partial, so that no rule
// takes an object's absence from it as proof, except in a namespace it
// lists whole (ListFile.Whole: the <ns>/<group>/<resource>.yaml lists of
// `oc adm inspect ns/<ns>` hold every object of that namespace).

// mustGatherPartial is why a must-gather's lists are marked partial.
const mustGatherPartial = "a must-gather holds the namespaces and objects its gather scripts select, not every object of the cluster"

// mgKind is what a must-gather file holds.
type mgKind int

const (
	mgNone mgKind = iota
	mgObjects
	mgLog
	mgTimestamp
)

// mgFile is a must-gather file name, parsed.
type mgFile struct {
	kind mgKind
	res  string // resource key of an mgObjects file
	ns   string // the namespace an mgObjects file lists ("" if cluster-scoped)
	// whole is true for a list of every object of its namespace
	// (namespaces/<ns>/<group>/<resource>.yaml, `oc adm inspect ns/<ns>`),
	// false for one object's file.
	whole bool
	log   snapshot.Log // Namespace, Pod, Container, Previous of an mgLog file
}

// mustGatherPath parses a must-gather file name (see above).
func mustGatherPath(name string) mgFile {
	parts := strings.Split(name, "/")
	if len(parts) > 1 && parts[0] != "cluster-scoped-resources" && parts[0] != "namespaces" {
		parts = parts[1:] // the gather image's folder
	}
	switch {
	case len(parts) == 1 && parts[0] == "timestamp":
		return mgFile{kind: mgTimestamp}
	case len(parts) < 3:
		return mgFile{}
	case parts[0] == "cluster-scoped-resources" && len(parts) <= 4:
		// <group>/<resource>.yaml or <group>/<resource>/<name>.yaml
		res := parts[2]
		if len(parts) == 3 {
			res = strings.TrimSuffix(res, ".yaml")
		}
		return mgObjectsOf(parts[1], res, parts[len(parts)-1])
	case parts[0] != "namespaces":
		return mgFile{}
	case len(parts) == 3 && parts[2] == parts[1]+".yaml":
		return mgFile{kind: mgObjects, res: snapshot.ResNamespaces}
	case len(parts) == 4 && parts[2] != "pods":
		f := mgObjectsOf(parts[2], strings.TrimSuffix(parts[3], ".yaml"), parts[3])
		f.ns, f.whole = parts[1], true
		return f
	case len(parts) == 5 && parts[2] == "pods" && parts[4] == parts[3]+".yaml":
		return mgFile{kind: mgObjects, res: snapshot.ResPods, ns: parts[1]}
	case len(parts) == 8:
		return mgLogOf(parts)
	}
	return mgFile{}
}

// mgObjectsOf is the mgObjects file of resource res in group ("core" for
// the core group), if file is YAML.
func mgObjectsOf(group, res, file string) mgFile {
	if !strings.HasSuffix(file, ".yaml") || res == "" {
		return mgFile{}
	}
	if group != "core" {
		res += "." + group
	}
	return mgFile{kind: mgObjects, res: res}
}

// mgLogOf parses namespaces/<ns>/pods/<pod>/<container>/<container>/logs/<file>.
func mgLogOf(parts []string) mgFile {
	if parts[2] != "pods" || parts[4] != parts[5] || parts[6] != "logs" {
		return mgFile{}
	}
	lg := snapshot.Log{Namespace: parts[1], Pod: parts[3], Container: parts[4]}
	switch parts[7] {
	case "current.log":
	case "previous.log":
		lg.Previous = true
	default: // previous.insecure.log and the like: the same log again
		return mgFile{}
	}
	lg.Component = snapshot.ComponentOf(lg.Container, lg.Pod)
	return mgFile{kind: mgLog, log: lg}
}

// mustGather reads a must-gather file; false if name is not one.
func (l *loader) mustGather(name string, r io.Reader) (bool, error) {
	if !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".log") && !strings.HasSuffix(name, "timestamp") {
		return false, nil
	}
	f := mustGatherPath(name)
	switch f.kind {
	case mgObjects:
		sk := l.sink(f.res)
		if sk == nil {
			return true, nil
		}
		l.vote(snapshot.LayoutMustGather)
		return true, l.yamlObjects(snapshot.ListFile{Path: name, Namespace: f.ns, Whole: f.whole}, f.res, sk, r)
	case mgLog:
		l.vote(snapshot.LayoutMustGather)
		lg := f.log
		return true, l.log(name, r, &lg)
	case mgTimestamp:
		l.mustGatherTime(name, r)
		return true, nil
	}
	return false, nil
}

// yamlObjects decodes a must-gather YAML file (a list, or one object per
// document) into the snapshot. An object already read from another file
// (must-gather writes some both in a list and alone) is kept once.
func (l *loader) yamlObjects(file snapshot.ListFile, res string, sk sink, r io.Reader) error {
	name := file.Path
	lr := &listReader{l: l, name: name, sink: sk}
	if l.mgSeen == nil {
		l.mgSeen = map[string]bool{}
	}
	yr := utilyaml.NewYAMLReader(bufio.NewReader(r))
	for {
		doc, err := yr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			lr.finish()
			l.note("%s: %v (rest of file skipped)", name, err)
			break
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		js, err := yaml.YAMLToJSON(doc)
		if err != nil {
			l.note("%s: %v (document skipped)", name, err)
			continue
		}
		var head struct {
			Kind  string            `json:"kind"`
			Items []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(js, &head); err != nil {
			l.note("%s: %v (document skipped)", name, err)
			continue
		}
		items, single := head.Items, false
		if !strings.HasSuffix(head.Kind, "List") && head.Items == nil {
			items, single = []json.RawMessage{js}, true
		}
		for _, raw := range items {
			if key := mgKey(res, raw); key != "" {
				if l.mgSeen[key] {
					// Skip it, and keep the pointers of the items after
					// it right: a batch numbers its items from its first.
					lr.flush()
					lr.next++
					continue
				}
				l.mgSeen[key] = true
			}
			lr.shape = listItems
			if single {
				lr.shape = wholeDocument
			}
			lr.add(raw)
		}
	}
	lr.finish()
	l.s.MarkPartial(res, mustGatherPartial)
	l.s.MarkRead(res, file)
	return nil
}

// mgKey is the identity of a must-gather object: resource, namespace, name.
func mgKey(res string, raw []byte) string {
	var o struct {
		Metadata struct {
			Namespace string `json:"namespace"`
			Name      string `json:"name"`
		} `json:"metadata"`
	}
	if json.Unmarshal(raw, &o) != nil || o.Metadata.Name == "" {
		return ""
	}
	return res + "/" + o.Metadata.Namespace + "/" + o.Metadata.Name
}

// mustGatherTime reads the gather's timestamp file: one line per gather
// step, `2021-08-03 10:13:47.364145495 +0000 UTC m=+1.355495176`; the
// latest is the collection time.
func (l *loader) mustGatherTime(name string, r io.Reader) {
	sc := bufio.NewScanner(io.LimitReader(r, 1<<20))
	var latest time.Time
	for sc.Scan() {
		line, _, _ := strings.Cut(strings.TrimSpace(sc.Text()), " m=")
		t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", line)
		if err == nil && t.After(latest) {
			latest = t
		}
	}
	if latest.IsZero() {
		l.note("%s: no time could be read from it", name)
		return
	}
	l.mgTime = latest
}
