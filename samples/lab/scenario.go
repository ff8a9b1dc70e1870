package lab

import (
	"context"
	"fmt"
	"sort"
)

// ScenarioInfo describes a broken state a scenario built.
type ScenarioInfo struct {
	// Name is the scenario's name, e.g. "missing-endpoints".
	Name string
	// Description is one line saying what is broken and why.
	Description string
	// Namespaces are the namespaces stuck Terminating (the symptom).
	Namespaces []string
	// Logs are extra log files to give collect (`--log name=path`).
	Logs map[string]string
	// Observed are the exact strings the scenario waited for, as the cluster
	// showed them (conditions, log lines), for tests and goldens.
	Observed []string
}

// Scenario builds one broken state on a running cluster.
type Scenario func(c *Cluster, ctx context.Context) (*ScenarioInfo, error)

// Scenarios maps every scenario name to its function.
var Scenarios = map[string]Scenario{
	"missing-endpoints":        (*Cluster).ScenarioMissingEndpoints,
	"rbac-deleted-clusterrole": (*Cluster).ScenarioRBACDeletedClusterRole,
	"rbac-deleted-discovery":   (*Cluster).ScenarioRBACDeletedDiscovery,
	"rbac-deleted-binding":     (*Cluster).ScenarioRBACDeletedBinding,
	"failed-discovery-check":   (*Cluster).ScenarioFailedDiscoveryCheck,
	"service-not-found":        (*Cluster).ScenarioServiceNotFound,
	"kcm-absent":               (*Cluster).ScenarioKCMAbsent,
	"kcm-expired-cert":         (*Cluster).ScenarioKCMExpiredCert,
	"pod-on-dead-node":         (*Cluster).ScenarioPodOnDeadNode,
	"spec-finalizer":           (*Cluster).ScenarioSpecFinalizer,
	"metadata-finalizer":       (*Cluster).ScenarioMetadataFinalizer,
	"admission-webhook":        (*Cluster).ScenarioAdmissionWebhook,
	"conversion-webhook":       (*Cluster).ScenarioConversionWebhook,
	"healthy":                  (*Cluster).ScenarioHealthy,
}

// ScenarioNames returns the scenario names, sorted.
func ScenarioNames() []string {
	names := make([]string, 0, len(Scenarios))
	for n := range Scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// RunScenario runs the named scenario.
func (c *Cluster) RunScenario(ctx context.Context, name string) (*ScenarioInfo, error) {
	s, ok := Scenarios[name]
	if !ok {
		return nil, fmt.Errorf("unknown scenario %q (known: %v)", name, ScenarioNames())
	}
	info, err := s(c, ctx)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", name, err)
	}
	return info, nil
}

// newInfo starts a ScenarioInfo with the control plane's logs.
func (c *Cluster) newInfo(name, desc string, namespaces ...string) *ScenarioInfo {
	return &ScenarioInfo{Name: name, Description: desc, Namespaces: namespaces, Logs: map[string]string{
		"kube-apiserver":          c.Logs.APIServer,
		"kube-controller-manager": c.Logs.ControllerManager,
	}}
}

func (i *ScenarioInfo) saw(format string, args ...any) {
	i.Observed = append(i.Observed, fmt.Sprintf(format, args...))
}
