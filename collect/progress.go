package collect

// Phase names a stage of the collection.
type Phase string

// The phases of a collection, in order (the middle ones overlap).
const (
	PhaseIdentity    Phase = "identity"
	PhaseDiscovery   Phase = "discovery"
	PhaseResources   Phase = "resources"
	PhaseTerminating Phase = "terminating"
	PhaseLogs        Phase = "logs"
	PhaseWrite       Phase = "write"
)

// Event is one progress report: an item of a phase finished (Err empty) or
// failed (Err set). Done and Total count the items of the phase known so far.
type Event struct {
	Phase Phase
	// Item names what finished, e.g. "pods" or "logs kube-system/etcd-0/etcd".
	Item string
	// Objects and Bytes are what the item wrote to the bundle.
	Objects int
	Bytes   int64
	// Err is the one-line failure, if any.
	Err string
	// Done and Total count the phase's finished and known items.
	Done, Total int
}

// Progress receives progress events. Run never calls it concurrently, so an
// implementation needs no locking; it must not block for long.
type Progress func(Event)
