package synth

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
	"github.com/nsbundle/nsbundle/collect"
)

// files writes discovery, health, terminating content and logs.
func (g *gen) files() error {
	m := g.m
	js := func(v any) []byte {
		b, _ := json.MarshalIndent(v, "", " ") // plain data always marshals
		return append(b, '\n')
	}
	ver := map[string]string{"major": "1", "minor": "37", "gitVersion": gitVersion, "gitCommit": "6a4c6ffbd1f0b7e8e4e5c2a1c3b8f2d9e0a1b2c3",
		"gitTreeState": "clean", "buildDate": "2026-11-12T09:41:27Z", "goVersion": "go1.26.3", "compiler": "gc", "platform": "linux/amd64"}
	ready := "[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]poststarthook/rbac/bootstrap-roles ok\n[+]poststarthook/apiservice-registration-controller ok\n[+]poststarthook/apiservice-status-remote-available-controller ok\nreadyz check passed\n"
	steps := []struct {
		name string
		data []byte
		req  *bundle.Request
	}{
		{bundle.VersionPath, js(ver), &bundle.Request{Path: "/version"}},
		{bundle.ReadyzPath, []byte(ready), &bundle.Request{Path: "/readyz?verbose"}},
		{bundle.DiscoveryResultsPath, js(m.discoveryResults()), nil},
	}
	for _, i := range apiOrder(len(m.plan.stuck), func(i int) (string, string) { return "", m.plan.stuck[i].name }) {
		st := &m.plan.stuck[i]
		steps = append(steps, struct {
			name string
			data []byte
			req  *bundle.Request
		}{bundle.TerminatingPath{Namespace: st.name}.String(), js(m.terminatingContent(st)), nil})
	}
	for _, s := range steps {
		if err := g.writeFile(s.name, s.data, s.req); err != nil {
			return err
		}
	}
	kcm := m.kcmLog()
	kcmPath := bundle.FileLogPath{Name: kcmName}.String()
	if err := g.writeFile(kcmPath, kcm, nil); err != nil {
		return err
	}
	g.logs = append(g.logs, bundle.LogFile{Path: kcmPath, Source: "/var/log/kube-controller-manager.log", Component: kcmName, Bytes: int64(len(kcm))})
	if !m.plan.has(CauseMetricsCrashLoop) {
		return nil
	}
	mp := m.pods[m.metricsPod()]
	msPath := bundle.PodLogPath{Namespace: kubeSystem, Pod: mp.name, Container: metricsServer, Previous: true}.String()
	ms := m.metricsLog()
	if err := g.writeFile(msPath, ms, &bundle.Request{Path: "/api/v1/namespaces/kube-system/pods/" + mp.name + "/log?container=metrics-server&previous=true&limitBytes=1048576"}); err != nil {
		return err
	}
	g.logs = append(g.logs, bundle.LogFile{Path: msPath, Namespace: kubeSystem, Pod: mp.name, Container: metricsServer, Previous: true,
		Component: metricsServer, Bytes: int64(len(ms))})
	return nil
}

// manifest describes the synthetic collection.
func (g *gen) manifest() *bundle.Manifest {
	m := g.m
	nodes := g.stats.Lists[bundle.ResourcePath{Version: "v1", Resource: "nodes"}.String()]
	mf := &bundle.Manifest{
		FormatVersion: bundle.FormatVersion,
		Tool:          bundle.ToolInfo{Name: "nsbundle-synth", Version: "synthetic " + m.o.Size.Name + fmt.Sprintf(" seed=%d", m.seed)},
		Cluster:       bundle.ClusterInfo{Context: "synthetic-" + m.o.Size.Name, Server: "https://synthetic.invalid:6443", GitVersion: gitVersion, Platform: "linux/amd64"},
		CollectedBy:   bundle.Identity{Username: "support@example.com", Groups: []string{"system:authenticated", "sre"}},
		Start:         m.now.Add(-time.Duration(20+len(m.pods)/2000) * time.Second),
		End:           m.now,
		Options:       bundle.Options{PageSize: 500, MaxLogBytes: 1 << 20, Timeout: "1m0s", KeepEverything: m.o.KeepEverything},
		Requests:      g.reqs,
		Omissions: []bundle.Omission{
			{What: "metadata.managedFields", Scope: "all objects", Why: "not needed for diagnosis (about a third of the bytes); --keep-everything keeps them", Count: g.stats.Objects},
			{What: "status.images", Scope: "nodes", Why: "node image lists are large and not needed; --keep-everything keeps them", Count: nodes},
			{What: "data and binaryData values (key names kept)", Scope: "configmaps", Why: "configuration values are not needed; they may hold credentials", Count: g.stats.Lists[bundle.ResourcePath{Version: "v1", Resource: "configmaps"}.String()]},
		},
		Logs: g.logs,
	}
	if !m.o.KeepEverything {
		mf.Omissions = append(mf.Omissions, bundle.Omission{What: collect.OmitEndpoints, Scope: "endpoints", Why: collect.OmitEndpointsWhy})
	}
	if g.droppedEvents > 0 {
		mf.Omissions = append(mf.Omissions, bundle.Omission{What: collect.OmitOldEvents, Scope: "events",
			Why: collect.OmitOldEventsWhy(m.o.EventsWindow), Count: g.droppedEvents})
	}
	for _, r := range g.reqs {
		mf.Totals.Requests++
		mf.Totals.Objects += r.Count
		mf.Totals.Bytes += r.Bytes
		if r.Failed() {
			mf.Totals.FailedRequests++
		}
	}
	return mf
}
