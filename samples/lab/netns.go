package lab

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"unsafe"
)

// EnvNetns is set by the lab in the re-executed process; its value is the
// identity (/proc/self/ns/net link) of the parent's network namespace, which
// the child must not share.
const EnvNetns = "NSBUNDLE_LAB_NETNS"

var (
	isoMu    sync.Mutex
	isolated bool
	isoErr   = errors.New("lab: process not started through lab.RunIsolated or lab.RunIsolatedMain")
)

// Isolated reports whether this process runs inside the lab's private network
// namespace (verified: only the loopback interface exists).
func Isolated() bool {
	isoMu.Lock()
	defer isoMu.Unlock()
	return isolated
}

// IsolationError says why Isolated is false (nil when it is true).
func IsolationError() error {
	isoMu.Lock()
	defer isoMu.Unlock()
	if isolated {
		return nil
	}
	return isoErr
}

func setIsolation(ok bool, err error) {
	isoMu.Lock()
	defer isoMu.Unlock()
	isolated, isoErr = ok, err
}

// RunIsolated is for TestMain: it runs the tests inside a private network
// namespace, re-executing the test binary there when needed, and exits.
// Under -short the tests run in place (lab tests skip). If no namespace
// mechanism works the tests run in place and lab tests skip, except when the
// environment says CI=true: then it fails.
func RunIsolated(m *testing.M) {
	if !flag.Parsed() {
		flag.Parse()
	}
	if os.Getenv(EnvNetns) == "" && testing.Short() {
		setIsolation(false, errors.New("lab: not started under -short"))
		os.Exit(m.Run())
	}
	os.Exit(runIsolated(m.Run, os.Getenv("CI") == "true"))
}

// RunIsolatedMain is for a command's main: it runs fn inside a private network
// namespace (re-executing the program there) and returns the exit code. It
// fails when no namespace can be made.
func RunIsolatedMain(fn func() int) int {
	return runIsolated(fn, true)
}

func runIsolated(run func() int, mustIsolate bool) int {
	if parent := os.Getenv(EnvNetns); parent != "" {
		if err := enterChecks(parent); err != nil {
			fmt.Fprintf(os.Stderr, "lab: refusing to run: %v\n", err)
			return 1
		}
		setIsolation(true, nil)
		return run()
	}
	code, err := reexecFunc()
	if err == nil {
		return code
	}
	err = fmt.Errorf("lab: cannot enter a private network namespace: %w", err)
	if mustIsolate {
		fmt.Fprintf(os.Stderr, "%v\n", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "%v (lab tests will skip)\n", err)
	setIsolation(false, err)
	return run()
}

// reexecFunc is reexec; tests replace it.
var reexecFunc = reexec

func netnsID() (string, error) {
	return os.Readlink("/proc/self/ns/net")
}

// reexec runs this executable again, same arguments, in a new network
// namespace (and a new user namespace mapping us to root when not root).
func reexec() (int, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	id, err := netnsID()
	if err != nil {
		return 0, err
	}
	env := append(os.Environ(), EnvNetns+"="+id)
	attempts := []func() *exec.Cmd{
		func() *exec.Cmd { // clone flags from Go: no helper program needed
			cmd := exec.Command(self, os.Args[1:]...)
			cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
			if os.Geteuid() != 0 {
				cmd.SysProcAttr.Cloneflags |= syscall.CLONE_NEWUSER
				cmd.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
				cmd.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
			}
			return cmd
		},
		func() *exec.Cmd { // util-linux unshare
			args := []string{"--net"}
			if os.Geteuid() != 0 {
				args = append(args, "--map-root-user")
			}
			args = append(append(args, "--", self), os.Args[1:]...)
			cmd := exec.Command("unshare", args...)
			cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
			return cmd
		},
	}
	var errs []error
	for _, mk := range attempts {
		cmd := mk()
		cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = env, os.Stdin, os.Stdout, os.Stderr
		if err := cmd.Start(); err != nil {
			errs = append(errs, err)
			continue
		}
		sigs := make(chan os.Signal, 4)
		signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
		go func() {
			for s := range sigs {
				_ = cmd.Process.Signal(s)
			}
		}()
		err := cmd.Wait()
		signal.Stop(sigs)
		close(sigs)
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if exit.ExitCode() < 0 {
				return 1, nil
			}
			return exit.ExitCode(), nil
		}
		if err != nil {
			return 1, err
		}
		return 0, nil
	}
	return 0, errors.Join(errs...)
}

// enterChecks brings lo up and verifies the namespace is private: a different
// namespace than the parent's, and no interface but lo.
func enterChecks(parent string) error {
	id, err := netnsID()
	if err != nil {
		return err
	}
	if id == parent {
		return fmt.Errorf("still in the parent's network namespace %s", id)
	}
	if err := loopbackUp(); err != nil {
		return fmt.Errorf("bringing lo up: %w", err)
	}
	ifs, err := net.Interfaces()
	if err != nil {
		return err
	}
	var names []string
	for _, i := range ifs {
		names = append(names, i.Name)
	}
	if len(ifs) != 1 || ifs[0].Name != "lo" || ifs[0].Flags&net.FlagUp == 0 {
		return fmt.Errorf("network namespace is not private (interfaces: %s)", strings.Join(names, ", "))
	}
	return nil
}

// loopbackUp sets IFF_UP on lo with the SIOCGIFFLAGS/SIOCSIFFLAGS ioctls.
func loopbackUp() error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	var ifr [40]byte // struct ifreq: name[16], then a union (flags: short)
	copy(ifr[:], "lo")
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.SIOCGIFFLAGS, uintptr(unsafe.Pointer(&ifr[0]))); e != 0 {
		return e
	}
	flags := *(*uint16)(unsafe.Pointer(&ifr[16]))
	*(*uint16)(unsafe.Pointer(&ifr[16])) = flags | syscall.IFF_UP | syscall.IFF_RUNNING
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.SIOCSIFFLAGS, uintptr(unsafe.Pointer(&ifr[0]))); e != 0 {
		return e
	}
	return nil
}

// AddLoopbackAddress adds ip (a "pod IP") to lo, so servers can listen on it.
// Only allowed inside the lab's private network namespace.
func AddLoopbackAddress(ip string) error {
	return ipAddr("add", ip)
}

// RemoveLoopbackAddress removes an address added by AddLoopbackAddress; the
// address becomes unreachable. Only allowed inside the lab's namespace.
func RemoveLoopbackAddress(ip string) error {
	return ipAddr("del", ip)
}

func ipAddr(verb, ip string) error {
	if !Isolated() {
		return fmt.Errorf("lab: refusing to change addresses outside the private network namespace: %w", IsolationError())
	}
	if net.ParseIP(ip) == nil || net.ParseIP(ip).To4() == nil {
		return fmt.Errorf("lab: %q is not an IPv4 address", ip)
	}
	out, err := exec.Command("ip", "addr", verb, ip+"/32", "dev", "lo").CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip addr %s %s dev lo: %w: %s", verb, ip, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// AddBlackholeRoute routes cidr into lo without any local address in it, so
// connections to it time out, as when a cloud route table lost the route to a
// node's pod range. Only allowed inside the lab's namespace.
func AddBlackholeRoute(cidr string) error {
	return ipRoute("add", cidr)
}

// DeleteBlackholeRoute removes a route added by AddBlackholeRoute.
func DeleteBlackholeRoute(cidr string) error {
	return ipRoute("del", cidr)
}

func ipRoute(verb, cidr string) error {
	if !Isolated() {
		return fmt.Errorf("lab: refusing to change routes outside the private network namespace: %w", IsolationError())
	}
	if _, _, err := net.ParseCIDR(cidr); err != nil {
		return fmt.Errorf("lab: %w", err)
	}
	out, err := exec.Command("ip", "route", verb, cidr, "dev", "lo").CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip route %s %s dev lo: %w: %s", verb, cidr, err, strings.TrimSpace(string(out)))
	}
	return nil
}
