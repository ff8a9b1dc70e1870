package snapshot

// This file holds the views of the API's extension points: aggregated
// APIServices, CustomResourceDefinitions and admission webhook
// configurations, and the Service references they share.

// ServiceReference points at a Service (APIService, webhooks).
type ServiceReference struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Port      *int32 `json:"port,omitempty"`
	Path      string `json:"path,omitempty"`
}

// APIService is an apiregistration.k8s.io/v1 APIService.
type APIService struct {
	Object
	Spec struct {
		Service *ServiceReference `json:"service,omitempty"`
		Group   string            `json:"group,omitempty"`
		Version string            `json:"version,omitempty"`
	} `json:"spec"`
	Status struct {
		Conditions []Condition `json:"conditions,omitempty"`
	} `json:"status"`
}

// CRDVersion is one version of a CRD.
type CRDVersion struct {
	Name    string `json:"name"`
	Served  bool   `json:"served"`
	Storage bool   `json:"storage"`
}

// WebhookClientConfig says how to reach a webhook.
type WebhookClientConfig struct {
	URL     *string           `json:"url,omitempty"`
	Service *ServiceReference `json:"service,omitempty"`
}

// CustomResourceDefinition is an apiextensions.k8s.io/v1 CRD.
type CustomResourceDefinition struct {
	Object
	Spec struct {
		Group string `json:"group"`
		Names struct {
			Plural string `json:"plural"`
			Kind   string `json:"kind"`
		} `json:"names"`
		Scope      string       `json:"scope,omitempty"`
		Versions   []CRDVersion `json:"versions,omitempty"`
		Conversion *struct {
			Strategy string `json:"strategy"`
			Webhook  *struct {
				ClientConfig *WebhookClientConfig `json:"clientConfig,omitempty"`
			} `json:"webhook,omitempty"`
		} `json:"conversion,omitempty"`
	} `json:"spec"`
	Status struct {
		Conditions     []Condition `json:"conditions,omitempty"`
		StoredVersions []string    `json:"storedVersions,omitempty"`
	} `json:"status"`
}

// WebhookRule is an admission webhook rule.
type WebhookRule struct {
	Operations  []string `json:"operations,omitempty"`
	APIGroups   []string `json:"apiGroups,omitempty"`
	APIVersions []string `json:"apiVersions,omitempty"`
	Resources   []string `json:"resources,omitempty"`
	Scope       *string  `json:"scope,omitempty"`
}

// Webhook is one webhook of a Validating/MutatingWebhookConfiguration.
type Webhook struct {
	Name           string              `json:"name"`
	ClientConfig   WebhookClientConfig `json:"clientConfig"`
	FailurePolicy  *string             `json:"failurePolicy,omitempty"`
	Rules          []WebhookRule       `json:"rules,omitempty"`
	TimeoutSeconds *int32              `json:"timeoutSeconds,omitempty"`
}

// WebhookConfiguration is a Validating or Mutating webhook configuration.
type WebhookConfiguration struct {
	Object
	// Kind is "ValidatingWebhookConfiguration" or "MutatingWebhookConfiguration".
	Kind     string    `json:"-"`
	Webhooks []Webhook `json:"webhooks,omitempty"`
}
