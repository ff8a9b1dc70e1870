package rules_test

import (
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/bundle"
)

// TestContentFailureLeavesDiscoveryEntries: a namespace whose deletes a
// webhook fails while a group-version's discovery fails too: the webhook
// link quotes the deletion condition, not the collector's entry for the
// failed discovery (no resource), which is NSB-NS-002's.
func TestContentFailureLeavesDiscoveryEntries(t *testing.T) {
	t.Parallel()
	f := healthy()
	stuck(f, "team-a", contentFailure(msgAdmission))
	f.add(pValidating, validatingWebhook("deny-cfg", "deny.example.com", "ns", "deny", "Fail"))
	f.files["terminating/team-a.json"] = mustJSON(t, bundle.NamespaceContent{Namespace: "team-a", Resources: []bundle.RemainingContent{
		{Group: "", Version: "v1", Resource: "configmaps", Kind: "ConfigMap", Count: 1, Items: []bundle.RemainingItem{{Name: "app-config"}}},
		{Group: "metrics.k8s.io", Version: "v1beta1", Status: 503, Error: "the server is currently unable to handle the request"},
	}})
	fs := analyzeFx(t, f).Findings
	if len(fs) != 1 || fs[0].ID != "NSB-WH-001" || len(fs[0].Chain) < 2 {
		t.Fatalf("findings %+v, want one NSB-WH-001", fs)
	}
	for _, e := range fs[0].Chain[1].Evidence {
		if strings.HasPrefix(e.Path, "terminating/") {
			t.Errorf("webhook link quotes %s#%s %q", e.Path, e.Pointer, e.Value)
		}
	}
}
