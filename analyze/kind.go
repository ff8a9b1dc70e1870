package analyze

// Kind is the kind of a node of the "is blocked by" graph: a Kubernetes
// object kind ("Namespace", "APIService"...) or one of the kinds that are not
// objects (a component, a finalizer, a group-version, missing evidence).
//
// Its field is unexported so that code cannot spell a kind: rules use the
// declared Kind variables, and a misspelt one does not compile. Kinds read
// from a bundle (a workload's or a webhook configuration's kind) go through
// ObjectKind.
type Kind struct{ name string }

// Kinds of links that are not Kubernetes objects.
var (
	// KindComponent is a control-plane or add-on process, e.g.
	// "kube-controller-manager" or "cloud-controller-manager".
	KindComponent = Kind{"Component"}
	// KindFinalizer is a finalizer; Name is the finalizer string.
	KindFinalizer = Kind{"Finalizer"}
	// KindGroupVersion is an API group-version that discovery could not serve.
	KindGroupVersion = Kind{"GroupVersion"}
	// KindEvidence marks a link that could not be followed because the
	// evidence was not in the bundle.
	KindEvidence = Kind{"MissingEvidence"}
)

// Kinds of Kubernetes objects the rules link to.
var (
	KindNamespace     = Kind{"Namespace"}
	KindPod           = Kind{"Pod"}
	KindNode          = Kind{"Node"}
	KindService       = Kind{"Service"}
	KindEndpoints     = Kind{"Endpoints"}
	KindEndpointSlice = Kind{"EndpointSlice"}
	// KindEndpoint is one address:port of a Service's endpoints.
	KindEndpoint           = Kind{"Endpoint"}
	KindAPIService         = Kind{"APIService"}
	KindPVC                = Kind{"PersistentVolumeClaim"}
	KindCRD                = Kind{"CustomResourceDefinition"}
	KindConfigMap          = Kind{"ConfigMap"}
	KindLease              = Kind{"Lease"}
	KindClusterRole        = Kind{"ClusterRole"}
	KindClusterRoleBinding = Kind{"ClusterRoleBinding"}
	KindRole               = Kind{"Role"}
	KindRoleBinding        = Kind{"RoleBinding"}
	KindValidatingWebhook  = Kind{"ValidatingWebhookConfiguration"}
	KindMutatingWebhook    = Kind{"MutatingWebhookConfiguration"}
	// KindWebhookConfiguration is a webhook configuration whose kind
	// (validating or mutating) the evidence does not say.
	KindWebhookConfiguration = Kind{"WebhookConfiguration"}
)

// ObjectKind is the Kind of an object whose kind was read from the bundle
// (a workload owner, a webhook configuration). It equals the declared
// variable of the same name. Code that knows the kind uses the variable.
func ObjectKind(name string) Kind { return Kind{name} }

// String returns the kind's name, e.g. "Namespace".
func (k Kind) String() string { return k.name }

// IsZero reports whether k is the zero Kind (no kind).
func (k Kind) IsZero() bool { return k.name == "" }

// MarshalText writes the kind's name, so JSON and YAML show "Namespace".
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.name), nil }

// UnmarshalText reads a kind's name, as a report written by MarshalText
// holds it.
func (k *Kind) UnmarshalText(b []byte) error {
	k.name = string(b)
	return nil
}
