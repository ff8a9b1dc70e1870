package load

import (
	"regexp"
	"sort"
	"strings"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// imageVersionRE is an image tag that is a Kubernetes release, with a
// distribution's suffix ("v1.31.0", "v1.33.5-rke2r1-build20250910").
var imageVersionRE = regexp.MustCompile(`^v1\.\d+\.\d+([-+][0-9A-Za-z.+-]*)?$`)

// versionFromAPIServer returns the cluster version a bundle without one
// shows in its kube-apiserver static pods (kubeadm, minikube, RKE2 dumps):
// the tag of container kube-apiserver's image, and the pod it is read
// from. It returns "" when no such pod has a release tag, or when they
// disagree (an upgrade under way: which version serves is unknown).
func versionFromAPIServer(s *snapshot.Snapshot) (version string, from *snapshot.Pod, versions []string) {
	seen := map[string]bool{}
	for _, p := range s.Pods {
		if p.Namespace != "kube-system" || !strings.HasPrefix(p.Name, "kube-apiserver-") {
			continue
		}
		for _, c := range p.Spec.Containers {
			if c.Name != "kube-apiserver" {
				continue
			}
			if tag := imageTag(c.Image); imageVersionRE.MatchString(tag) {
				if !seen[tag] && from == nil {
					from = p
				}
				seen[tag] = true
			}
		}
	}
	for v := range seen {
		versions = append(versions, v)
	}
	sort.Strings(versions)
	if len(versions) != 1 {
		return "", nil, versions
	}
	return versions[0], from, versions
}

// imageTag is the tag of an image reference ("" if it has none).
func imageTag(image string) string {
	image, _, _ = strings.Cut(image, "@") // a digest follows the tag
	i := strings.LastIndex(image, ":")
	if i < 0 || strings.Contains(image[i:], "/") {
		return "" // the colon of a registry's port
	}
	return image[i+1:]
}
