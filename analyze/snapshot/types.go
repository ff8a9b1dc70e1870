package snapshot

import "time"

// Location is where an object sits in the bundle: a file and the JSON
// pointer of the object inside it ("/items/3").
type Location struct {
	Path    string `json:"path"`
	Pointer string `json:"pointer,omitempty"`
}

// At returns the location of a field below the object, e.g.
// l.At("status", "conditions", "0", "message").
func (l Location) At(parts ...string) Location {
	p := l.Pointer
	for _, s := range parts {
		p += "/" + escapePointer(s)
	}
	return Location{Path: l.Path, Pointer: p}
}

func escapePointer(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '~':
			out = append(out, '~', '0')
		case '/':
			out = append(out, '~', '1')
		default:
			out = append(out, s[i])
		}
	}
	return string(out)
}

// Meta is the metadata every object keeps.
type Meta struct {
	Name              string            `json:"name"`
	Namespace         string            `json:"namespace,omitempty"`
	UID               string            `json:"uid,omitempty"`
	Labels            map[string]string `json:"labels,omitempty"`
	Annotations       map[string]string `json:"annotations,omitempty"`
	CreationTimestamp *time.Time        `json:"creationTimestamp,omitempty"`
	DeletionTimestamp *time.Time        `json:"deletionTimestamp,omitempty"`
	Finalizers        []string          `json:"finalizers,omitempty"`
	OwnerReferences   []OwnerReference  `json:"ownerReferences,omitempty"`
}

// OwnerReference names an owner.
type OwnerReference struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// Condition is a status condition.
type Condition struct {
	Type               string     `json:"type"`
	Status             string     `json:"status"`
	Reason             string     `json:"reason,omitempty"`
	Message            string     `json:"message,omitempty"`
	LastTransitionTime *time.Time `json:"lastTransitionTime,omitempty"`
	LastHeartbeatTime  *time.Time `json:"lastHeartbeatTime,omitempty"`
}

// Object is embedded by every typed view.
type Object struct {
	Meta `json:"metadata"`
	// Loc is where the object was read from.
	Loc Location `json:"-"`
}

// Ref returns "namespace/name" or "name".
func (o *Object) Key() string {
	if o.Namespace == "" {
		return o.Name
	}
	return o.Namespace + "/" + o.Name
}

// FindCondition returns the condition of the given type and its index, or
// nil and -1.
func FindCondition(conds []Condition, typ string) (*Condition, int) {
	for i := range conds {
		if conds[i].Type == typ {
			return &conds[i], i
		}
	}
	return nil, -1
}

// Namespace is a core/v1 Namespace.
type Namespace struct {
	Object
	Spec struct {
		Finalizers []string `json:"finalizers,omitempty"`
	} `json:"spec"`
	Status struct {
		Phase      string      `json:"phase,omitempty"`
		Conditions []Condition `json:"conditions,omitempty"`
	} `json:"status"`
}

// ServicePort is one port of a Service.
type ServicePort struct {
	Name       string      `json:"name,omitempty"`
	Port       int32       `json:"port"`
	TargetPort interface{} `json:"targetPort,omitempty"`
}

// Service is a core/v1 Service.
type Service struct {
	Object
	Spec struct {
		Type      string            `json:"type,omitempty"`
		ClusterIP string            `json:"clusterIP,omitempty"`
		Selector  map[string]string `json:"selector,omitempty"`
		Ports     []ServicePort     `json:"ports,omitempty"`
	} `json:"spec"`
}

// ObjectReference is a reference from an endpoint to its pod.
type ObjectReference struct {
	Kind      string `json:"kind,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
}

// EndpointAddress is an Endpoints address.
type EndpointAddress struct {
	IP        string           `json:"ip"`
	NodeName  *string          `json:"nodeName,omitempty"`
	TargetRef *ObjectReference `json:"targetRef,omitempty"`
}

// EndpointPort is a port of Endpoints or an EndpointSlice.
type EndpointPort struct {
	Name *string `json:"name,omitempty"`
	Port *int32  `json:"port,omitempty"`
}

// Endpoints is a core/v1 Endpoints.
type Endpoints struct {
	Object
	Subsets []struct {
		Addresses         []EndpointAddress `json:"addresses,omitempty"`
		NotReadyAddresses []EndpointAddress `json:"notReadyAddresses,omitempty"`
		Ports             []EndpointPort    `json:"ports,omitempty"`
	} `json:"subsets,omitempty"`
}

// EndpointSlice is a discovery.k8s.io/v1 EndpointSlice.
type EndpointSlice struct {
	Object
	AddressType string `json:"addressType,omitempty"`
	Endpoints   []struct {
		Addresses  []string `json:"addresses"`
		Conditions struct {
			Ready       *bool `json:"ready,omitempty"`
			Serving     *bool `json:"serving,omitempty"`
			Terminating *bool `json:"terminating,omitempty"`
		} `json:"conditions"`
		TargetRef *ObjectReference `json:"targetRef,omitempty"`
		NodeName  *string          `json:"nodeName,omitempty"`
	} `json:"endpoints"`
	Ports []EndpointPort `json:"ports,omitempty"`
}

// ServiceName is the Service the slice belongs to.
func (e *EndpointSlice) ServiceName() string { return e.Labels["kubernetes.io/service-name"] }

// ContainerState is one state of a container.
type ContainerState struct {
	Waiting *struct {
		Reason  string `json:"reason,omitempty"`
		Message string `json:"message,omitempty"`
	} `json:"waiting,omitempty"`
	Running *struct {
		StartedAt *time.Time `json:"startedAt,omitempty"`
	} `json:"running,omitempty"`
	Terminated *struct {
		ExitCode   int32      `json:"exitCode"`
		Reason     string     `json:"reason,omitempty"`
		Message    string     `json:"message,omitempty"`
		StartedAt  *time.Time `json:"startedAt,omitempty"`
		FinishedAt *time.Time `json:"finishedAt,omitempty"`
	} `json:"terminated,omitempty"`
}

// ContainerStatus is a pod's container status.
type ContainerStatus struct {
	Name         string         `json:"name"`
	Ready        bool           `json:"ready"`
	RestartCount int32          `json:"restartCount"`
	State        ContainerState `json:"state"`
	LastState    ContainerState `json:"lastState"`
}

// Pod is a core/v1 Pod.
type Pod struct {
	Object
	Spec struct {
		NodeName                      string `json:"nodeName,omitempty"`
		TerminationGracePeriodSeconds *int64 `json:"terminationGracePeriodSeconds,omitempty"`
		Containers                    []struct {
			Name    string   `json:"name"`
			Image   string   `json:"image,omitempty"`
			Command []string `json:"command,omitempty"`
		} `json:"containers,omitempty"`
	} `json:"spec"`
	Status struct {
		Phase             string                `json:"phase,omitempty"`
		Reason            string                `json:"reason,omitempty"`
		Message           string                `json:"message,omitempty"`
		PodIP             string                `json:"podIP,omitempty"`
		PodIPs            []struct{ IP string } `json:"podIPs,omitempty"`
		Conditions        []Condition           `json:"conditions,omitempty"`
		ContainerStatuses []ContainerStatus     `json:"containerStatuses,omitempty"`
	} `json:"status"`
}

// Ready reports whether the pod's Ready condition is True.
func (p *Pod) Ready() bool {
	c, _ := FindCondition(p.Status.Conditions, "Ready")
	return c != nil && c.Status == "True"
}

// HasIP reports whether ip is one of the pod's IPs.
func (p *Pod) HasIP(ip string) bool {
	if p.Status.PodIP == ip {
		return true
	}
	for _, x := range p.Status.PodIPs {
		if x.IP == ip {
			return true
		}
	}
	return false
}

// Taint is a node taint.
type Taint struct {
	Key    string `json:"key"`
	Value  string `json:"value,omitempty"`
	Effect string `json:"effect"`
}

// Node is a core/v1 Node.
type Node struct {
	Object
	Spec struct {
		PodCIDR       string  `json:"podCIDR,omitempty"`
		ProviderID    string  `json:"providerID,omitempty"`
		Taints        []Taint `json:"taints,omitempty"`
		Unschedulable bool    `json:"unschedulable,omitempty"`
	} `json:"spec"`
	Status struct {
		Conditions []Condition `json:"conditions,omitempty"`
	} `json:"status"`
}

// Lease is a coordination.k8s.io/v1 Lease.
type Lease struct {
	Object
	Spec struct {
		HolderIdentity       *string    `json:"holderIdentity,omitempty"`
		LeaseDurationSeconds *int32     `json:"leaseDurationSeconds,omitempty"`
		AcquireTime          *time.Time `json:"acquireTime,omitempty"`
		RenewTime            *time.Time `json:"renewTime,omitempty"`
		LeaseTransitions     *int32     `json:"leaseTransitions,omitempty"`
	} `json:"spec"`
}

// Event is a core/v1 Event.
type Event struct {
	Object
	InvolvedObject ObjectReference `json:"involvedObject"`
	Type           string          `json:"type,omitempty"`
	Reason         string          `json:"reason,omitempty"`
	Message        string          `json:"message,omitempty"`
	Count          int32           `json:"count,omitempty"`
	FirstTimestamp *time.Time      `json:"firstTimestamp,omitempty"`
	LastTimestamp  *time.Time      `json:"lastTimestamp,omitempty"`
	// EventTime and Series are set instead of the timestamps and count by
	// clients of the events.k8s.io API (MicroTime, RFC 3339 with microseconds).
	EventTime *time.Time `json:"eventTime,omitempty"`
	Series    *struct {
		Count            int32      `json:"count,omitempty"`
		LastObservedTime *time.Time `json:"lastObservedTime,omitempty"`
	} `json:"series,omitempty"`
}

// PersistentVolumeClaim is a core/v1 PVC.
type PersistentVolumeClaim struct {
	Object
	Spec struct {
		StorageClassName *string `json:"storageClassName,omitempty"`
		VolumeName       string  `json:"volumeName,omitempty"`
	} `json:"spec"`
	Status struct {
		Phase string `json:"phase,omitempty"`
	} `json:"status"`
}

// Workload is a Deployment, ReplicaSet, StatefulSet or DaemonSet.
type Workload struct {
	Object
	// Kind is the workload kind.
	Kind string `json:"-"`
	Spec struct {
		Replicas *int32 `json:"replicas,omitempty"`
		Selector *struct {
			MatchLabels map[string]string `json:"matchLabels,omitempty"`
		} `json:"selector,omitempty"`
	} `json:"spec"`
	Status struct {
		Replicas               int32       `json:"replicas,omitempty"`
		ReadyReplicas          int32       `json:"readyReplicas,omitempty"`
		AvailableReplicas      int32       `json:"availableReplicas,omitempty"`
		NumberReady            int32       `json:"numberReady,omitempty"`
		DesiredNumberScheduled int32       `json:"desiredNumberScheduled,omitempty"`
		Conditions             []Condition `json:"conditions,omitempty"`
	} `json:"status"`
}
