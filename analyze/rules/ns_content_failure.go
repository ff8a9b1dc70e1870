package rules

import (
	"regexp"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// nsContentFailure (NSB-NS-003): the namespace controller could not delete
// some content: a conversion webhook or an admission webhook failed.
type nsContentFailure struct{}

func (nsContentFailure) ID() string            { return "NSB-NS-003" }
func (nsContentFailure) Title() string         { return "Namespace content deletion fails" }
func (nsContentFailure) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindNamespace} }

var (
	// conversion webhook for stable.example.com/v1, Kind=Widget failed: ...
	conversionFailed = regexp.MustCompile(`conversion webhook for ([a-z0-9.-]*)/([a-z0-9]+), Kind=([A-Za-z0-9-]+) (failed|returned)`)
	// Before 1.19 the object itself was printed with %v (map keys sorted):
	// conversion webhook for &{map[apiVersion:stable.example.com/v1 kind:Widget metadata:...]} failed: ...
	conversionFailedOld = regexp.MustCompile(`conversion webhook for &\{map\[apiVersion:([a-z0-9.-]*)/([a-z0-9]+) kind:([A-Za-z0-9-]+)[ \]]`)
	// failed calling webhook "deny-delete.example.com": ...
	webhookFailed = regexp.MustCompile(`failed calling webhook "([^"]+)"`)
	// admission webhook "x" denied the request
	webhookDenied = regexp.MustCompile(`admission webhook "([^"]+)" denied the request`)
)

func (r nsContentFailure) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	ns := s.Namespace(n.Name)
	if ns == nil {
		return nil
	}
	c, i := snapshot.FindCondition(ns.Status.Conditions, condContentFailure)
	var msgs []analyze.Evidence
	var text []string
	if c != nil && c.Status == "True" {
		msgs = append(msgs, condEv(&ns.Object, c, i))
		text = append(text, c.Message)
	}
	// The collector's own list of the namespace's content fails the same way
	// (an entry without resource is a group-version whose discovery failed:
	// NSB-NS-002's, not a failed delete).
	if content := s.Content[ns.Name]; content != nil {
		for j, rc := range content.Value.Resources {
			if rc.Error != "" && rc.Resource != "" {
				msgs = append(msgs, ev(content.Loc.At("resources", itoa(j), "error"), rc.Error))
				text = append(text, rc.Error)
			}
		}
	}
	var out []analyze.Node
	seen := map[analyze.Ref]bool{}
	add := func(nd analyze.Node) {
		if !seen[nd.Ref] {
			seen[nd.Ref] = true
			out = append(out, nd)
		}
	}
	for _, t := range text {
		for _, m := range append(conversionFailed.FindAllStringSubmatch(t, -1), conversionFailedOld.FindAllStringSubmatch(t, -1)...) {
			group, kind := m[1], m[3]
			name := kind + "." + group
			if crd := s.CRDByKind(group, kind); crd != nil {
				name = crd.Name
			}
			add(analyze.Node{
				Ref:      ref(analyze.KindCRD, "", name),
				Problem:  "its conversion webhook fails, so the namespace controller cannot list or delete " + kind + " objects",
				Evidence: msgs,
			})
		}
		for _, m := range webhookFailed.FindAllStringSubmatch(t, -1) {
			cfg, kind := webhookOwner(s, m[1])
			problem := "admission webhook " + m[1] + " rejects the namespace controller's deletes"
			add(analyze.Node{Ref: ref(kind, "", cfg), Problem: problem, Evidence: msgs, Part: m[1]})
		}
		// The webhook answered and said no: its own policy is the cause.
		for _, m := range webhookDenied.FindAllStringSubmatch(t, -1) {
			cfg, kind := webhookOwner(s, m[1])
			add(analyze.Node{
				Ref:      ref(kind, "", cfg),
				Problem:  "admission webhook " + m[1] + " answers and denies the namespace controller's deletes",
				Evidence: msgs,
				Part:     m[1],
				Root:     true,
				Fix: "Change the policy behind webhook " + m[1] + " (or its rules, namespaceSelector, objectSelector) so it allows deletes in namespace " + ns.Name +
					"; if it is not wanted any more, delete its configuration: kubectl delete " + kindArgWebhook(kind) + " " + cfg + ". Do not strip namespace finalizers.",
				Verify: verifyNamespaceGone(ns.Name),
			})
		}
	}
	return out
}

// webhookOwner finds the configuration that holds webhook name.
func webhookOwner(s *snapshot.Snapshot, name string) (cfg string, kind analyze.Kind) {
	for _, w := range s.Webhooks {
		for _, h := range w.Webhooks {
			if h.Name == name {
				return w.Name, analyze.ObjectKind(w.Kind)
			}
		}
	}
	return name, analyze.KindWebhookConfiguration
}
