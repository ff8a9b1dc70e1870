package collect

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestShape(t *testing.T) {
	t.Parallel()
	la := `"` + LastAppliedAnnotation + `"`
	tests := []struct {
		name    string
		mode    shapeMode
		keepAll bool
		in      string
		want    string
		stats   shapeStats
	}{
		{
			name:  "adds type, drops managedFields and last-applied",
			in:    `{"metadata":{"name":"a","managedFields":[{"manager":"x"}],"annotations":{` + la + `:"{}","k":"v"}},"spec":{}}`,
			want:  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","annotations":{"k":"v"}},"spec":{}}`,
			stats: shapeStats{managedFields: 1, lastApplied: 1},
		},
		{
			name: "keeps type already there",
			in:   `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}`,
			want: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}`,
		},
		{
			name:    "keep everything",
			keepAll: true,
			in:      `{"metadata":{"managedFields":[],"annotations":{` + la + `:"x"}}}`,
			want:    `{"apiVersion":"v1","kind":"Pod","metadata":{"managedFields":[],"annotations":{` + la + `:"x"}}}`,
		},
		{
			name:  "pretty input is compacted",
			in:    "{\n  \"metadata\": {\n    \"name\": \"a\",\n    \"managedFields\": []\n  }\n}",
			want:  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}`,
			stats: shapeStats{managedFields: 1},
		},
		{
			name:  "escaped key still matched",
			in:    `{"metadata":{"managed\u0046ields":[1]}}`,
			want:  `{"apiVersion":"v1","kind":"Pod","metadata":{}}`,
			stats: shapeStats{managedFields: 1},
		},
		{
			name:  "node images",
			mode:  shapeNode,
			in:    `{"metadata":{"name":"n"},"status":{"images":[{"names":["a"]}],"conditions":[]}}`,
			want:  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"n"},"status":{"conditions":[]}}`,
			stats: shapeStats{images: 1},
		},
		{
			name:    "secret: names only, last-applied always dropped",
			mode:    shapeSecret,
			keepAll: true,
			in:      `{"metadata":{"name":"s","annotations":{"kubectl.kubernetes.io/last-applied-\u0063onfiguration":"SECRET","a":"b"}},"type":"Opaque","data":{"p":"U0VDUkVU"},"stringData":{"q":"SECRET"},"extra":"SECRET"}`,
			want:    `{"apiVersion":"v1","data":{"p":""},"kind":"Pod","metadata":{"annotations":{"a":"b"},"name":"s"},"stringData":{"q":""},"type":"Opaque"}`,
			stats:   shapeStats{lastApplied: 1, values: 1},
		},
		{
			name:  "configmap: names only",
			mode:  shapeConfigMap,
			in:    `{"metadata":{"name":"c","managedFields":[]},"data":{"k":"v"},"binaryData":{"b":"AA=="}}`,
			want:  `{"apiVersion":"v1","binaryData":{"b":""},"data":{"k":""},"kind":"Pod","metadata":{"name":"c"}}`,
			stats: shapeStats{managedFields: 1, values: 1},
		},
		{
			name:  "null annotations",
			in:    `{"metadata":{"annotations":null,"managedFields":null}}`,
			want:  `{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":null}}`,
			stats: shapeStats{managedFields: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &shaper{apiVersion: "v1", kind: "Pod", mode: tt.mode, keepAll: tt.keepAll}
			got, err := s.shape([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if s.stats != tt.stats {
				t.Errorf("stats %+v, want %+v", s.stats, tt.stats)
			}
			if strings.Contains(string(got), "SECRET") || strings.Contains(string(got), "U0VDUkVU") {
				t.Error("value leaked")
			}
		})
	}
}

func TestShapeRejectsBadJSON(t *testing.T) {
	t.Parallel()
	for _, in := range []string{``, `[]`, `{"a":}`, `{"a":1`, `{"a" 1}`, `{"a":"x}`} {
		s := &shaper{kind: "Pod"}
		if _, err := s.shape([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestParsePage(t *testing.T) {
	t.Parallel()
	p, err := parsePage([]byte(`{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"9","continue":"c"},"items":[{"a":[1,{"b":"]"}]}, {"c":"\"}"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`{"a":[1,{"b":"]"}]}`, `{"c":"\"}"}`}
	var got []string
	for _, it := range p.items {
		got = append(got, string(it))
	}
	if !reflect.DeepEqual(got, want) || p.meta.Continue != "c" || p.meta.ResourceVersion != "9" || p.kind != "PodList" {
		t.Errorf("got %q %+v %q", got, p.meta, p.kind)
	}
}

// FuzzObjectMembers checks the scanner against encoding/json: on any valid
// object it finds the same keys, and every value slice is valid JSON equal
// to the decoded value.
func FuzzObjectMembers(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":[true,null,{"c":"\u00e9\""}]}`, `{"a\\b":"x","":{"":[]}}`, ` { "x" : -1.5e3 } `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var want map[string]json.RawMessage
		if json.Unmarshal(b, &want) != nil || want == nil {
			return
		}
		ms, err := objectMembers(b)
		if err != nil {
			t.Fatalf("valid object rejected: %v", err)
		}
		got := map[string]json.RawMessage{}
		for _, m := range ms {
			got[m.key] = b[m.valStart:m.end]
		}
		if len(got) != len(want) {
			t.Fatalf("keys: got %d want %d", len(got), len(want))
		}
		for k, v := range want {
			var a, c any
			if json.Unmarshal(v, &a) != nil || json.Unmarshal(got[k], &c) != nil || !reflect.DeepEqual(a, c) {
				t.Fatalf("key %q: got %s want %s", k, got[k], v)
			}
		}
	})
}
