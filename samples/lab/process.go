package lab

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// process is one control-plane program started by the lab.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
	err     error
}

// startProcess starts bin with args, appending stdout and stderr to logPath
// (and to every extra path). The program dies with the lab (parent-death
// signal) and gets its own process group, so a terminal's Ctrl-C reaches the
// lab first.
func startProcess(name, bin string, args []string, logPath string, extra ...string) (*process, error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	for _, path := range append([]string{logPath}, extra...) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			closeAll()
			return nil, err
		}
		files = append(files, f)
	}
	cmd := exec.Command(bin, args...)
	if len(files) == 1 {
		cmd.Stdout, cmd.Stderr = files[0], files[0]
	} else {
		ws := make([]io.Writer, len(files))
		for i, f := range files {
			ws[i] = f
		}
		w := io.MultiWriter(ws...)
		cmd.Stdout, cmd.Stderr = w, w
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		closeAll()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		closeAll()
		close(p.done)
	}()
	return p, nil
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// exitError describes how the process ended, with the tail of its log.
func (p *process) exitError() error {
	return fmt.Errorf("%s exited (%v); last log lines:\n%s", p.name, p.err, tail(p.logPath, 15))
}

// stop sends SIGTERM, waits up to grace, then kills.
func (p *process) stop(grace time.Duration) {
	if p == nil || p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// freePort returns an unused TCP port on 127.0.0.1 for a component to
// listen on. It picks from below the kernel's ephemeral range: a port that
// the kernel hands out for 127.0.0.1:0 and that is closed again can be
// taken at once as the source port of any outgoing connection (kube-
// apiserver dials etcd hundreds of times), and the component that was to
// listen on it then fails with "address already in use". Within the
// process no port is handed out twice (parallel labs share the network
// namespace), and each is checked free by listening on it.
func freePort() (int, error) {
	lo, hi := listenRange()
	portsMu.Lock()
	defer portsMu.Unlock()
	for range 200 {
		p := lo + rand.IntN(hi-lo+1)
		if portsGiven[p] {
			continue
		}
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		l.Close()
		portsGiven[p] = true
		return p, nil
	}
	return 0, fmt.Errorf("lab: no free port in %d-%d after 200 tries", lo, hi)
}

var (
	portsMu    sync.Mutex
	portsGiven = map[int]bool{}
)

// listenRange is the range of ports freePort picks from: the 10,000 ports
// below the kernel's ephemeral range (ip_local_port_range), 20000-29999
// if it cannot be read.
func listenRange() (lo, hi int) {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		f := bytes.Fields(b)
		if len(f) == 2 {
			if first, err := strconv.Atoi(string(f[0])); err == nil && first > 11024 {
				return first - 10000, first - 1
			}
		}
	}
	return 20000, 29999
}

func itoa(i int) string { return strconv.Itoa(i) }
