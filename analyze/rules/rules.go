// Package rules holds nsbundle's analyzer rules, one file each, with stable
// IDs. All returns them in the order the engine consults them.
package rules

import "github.com/nsbundle/nsbundle/analyze"

// All returns every rule, symptom rules in reporting order.
func All() []analyze.Rule {
	return []analyze.Rule{
		// Symptoms (and what they explain).
		kcmCrashLoop{},
		nsTerminating{},
		pvcPending{},
		bootstrapRBAC{},
		// Explanations of a Namespace.
		nsDiscovery{},
		nsGVParsing{},
		nsContentFailure{},
		nsFinalizersRemaining{},
		nsSpecFinalizer{},
		nsMetaFinalizer{},
		nsPodsRemaining{},
		nsNoController{},
		nsUnexplained{},
		// Explanations further down.
		groupVersion{},
		apiService{},
		serviceEndpoints{},
		endpointUnreachable{},
		podNotReady{},
		nodeProblem{},
		cloudRoutes{},
		kcmState{},
		schedulerState{},
		pvcToKCM{},
		webhookService{},
		crdConversion{},
		finalizerOwner{},
	}
}

// ByID returns the rule with that ID, or nil: a test runs it alone with
// analyze.NewEngine([]analyze.Rule{rules.ByID(id)}).
func ByID(id string) analyze.Rule {
	for _, r := range All() {
		if r.ID() == id {
			return r
		}
	}
	return nil
}
