// Package natstest runs real NATS servers for tests, each in its own OS
// process so that a test can kill one with SIGKILL: the test binary runs
// itself again as the server (the nats-server Go module), the way
// ledgercrash runs its workload. Nothing is installed, nor downloaded.
//
// A package using it declares the child's entry point once:
//
//	func TestNATSNode(t *testing.T) { natstest.Child(t) }
//
// which is skipped in an ordinary run.
package natstest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// envNode carries a child's nodeConfig as JSON.
const envNode = "ORTAQ_NATSTEST_NODE"

// readyLine is what a child prints once it accepts clients.
const readyLine = "natstest: ready"

// nodeConfig is what a child needs to run one server.
type nodeConfig struct {
	Name        string   `json:"name"`
	Port        int      `json:"port"`
	ClusterPort int      `json:"cluster_port,omitempty"`
	Routes      []string `json:"routes,omitempty"`
	Dir         string   `json:"dir"`
}

// Node is one NATS server process with JetStream. Kill and Start stop and
// restart it on the same port and storage, as a crashed and restarted
// server.
type Node struct {
	tb  testing.TB
	cfg nodeConfig
	cmd *exec.Cmd
	// readyc yields once: whether the process said it was ready before
	// its output ended.
	readyc chan bool
	// stdin is the child's standard input, kept open: a child whose input
	// ends (its parent died) exits, so no server outlives its test.
	stdin io.WriteCloser
}

// URL is the node's client URL.
func (n *Node) URL() string { return fmt.Sprintf("nats://127.0.0.1:%d", n.cfg.Port) }

// Name is the node's server name, as JetStream reports leaders.
func (n *Node) Name() string { return n.cfg.Name }

// Single starts one server with JetStream.
func Single(tb testing.TB) *Node {
	tb.Helper()
	n := &Node{tb: tb, cfg: nodeConfig{Name: "n1", Port: freePort(tb), Dir: filepath.Join(tb.TempDir(), "n1")}}
	n.Start()
	tb.Cleanup(n.Kill)
	return n
}

// Cluster starts a JetStream cluster of size servers routed to each other
// on loopback, and returns them; URLs lists their client URLs for one
// connection. The cluster may still be electing its meta leader when
// Cluster returns: stream.Connect waits for it.
func Cluster(tb testing.TB, size int) []*Node {
	tb.Helper()
	dir := tb.TempDir()
	nodes := make([]*Node, size)
	var routes []string
	for i := range nodes {
		cfg := nodeConfig{Name: fmt.Sprintf("n%d", i+1), Port: freePort(tb), ClusterPort: freePort(tb),
			Dir: filepath.Join(dir, fmt.Sprintf("n%d", i+1))}
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", cfg.ClusterPort))
		nodes[i] = &Node{tb: tb, cfg: cfg}
	}
	for _, n := range nodes {
		n.cfg.Routes = routes
		// Started concurrently by the processes themselves: each waits
		// for its routes.
		n.spawn()
	}
	for _, n := range nodes {
		n.waitReady()
		tb.Cleanup(n.Kill)
	}
	return nodes
}

// URLs joins the nodes' client URLs for one connection to the cluster.
func URLs(nodes []*Node) string {
	var us []string
	for _, n := range nodes {
		us = append(us, n.URL())
	}
	return strings.Join(us, ",")
}

// Start starts the node's process (again) and waits until it accepts
// clients.
func (n *Node) Start() {
	n.tb.Helper()
	n.spawn()
	n.waitReady()
}

func (n *Node) spawn() {
	n.tb.Helper()
	cfg, err := json.Marshal(n.cfg)
	if err != nil {
		n.tb.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNATSNode$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), envNode+"="+string(cfg))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		n.tb.Fatal(err)
	}
	if n.stdin, err = cmd.StdinPipe(); err != nil {
		n.tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		n.tb.Fatalf("natstest: start %s: %v", n.cfg.Name, err)
	}
	n.cmd = cmd
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		said := false
		for sc.Scan() {
			if !said && strings.Contains(sc.Text(), readyLine) {
				said = true
				ready <- true
			}
		}
		if !said {
			ready <- false
		}
	}()
	n.readyc = ready
}

func (n *Node) waitReady() {
	n.tb.Helper()
	select {
	case ok := <-n.readyc:
		if !ok {
			n.tb.Fatalf("natstest: %s exited before it was ready", n.cfg.Name)
		}
	case <-time.After(30 * time.Second):
		n.tb.Fatalf("natstest: %s not ready after 30s", n.cfg.Name)
	}
}

// Kill ends the node's process with SIGKILL, as a crash would, and waits
// for it. It does nothing to a node not running.
func (n *Node) Kill() {
	if n.cmd == nil {
		return
	}
	n.cmd.Process.Kill()
	n.stdin.Close()
	n.cmd.Wait()
	n.cmd = nil
}

// freePort returns a loopback port free right now.
func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Child runs the server a parent asked for and never returns; without the
// parent's variable it skips.
func Child(t *testing.T) {
	raw := os.Getenv(envNode)
	if raw == "" {
		t.Skip("natstest: runs only as a child server")
	}
	var cfg nodeConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		t.Fatal(err)
	}
	opts := &server.Options{ServerName: cfg.Name, Host: "127.0.0.1", Port: cfg.Port, NoSigs: true,
		JetStream: true, StoreDir: cfg.Dir, JetStreamMaxMemory: 64 << 20, JetStreamMaxStore: 1 << 30}
	if cfg.ClusterPort != 0 {
		opts.Cluster = server.ClusterOpts{Name: "ortaqtest", Host: "127.0.0.1", Port: cfg.ClusterPort}
		opts.Routes = server.RoutesFromStr(strings.Join(cfg.Routes, ","))
	}
	s, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("ORTAQ_NATSTEST_LOG") != "" {
		s.ConfigureLogger()
	}
	go func() {
		// The parent holds the other end of stdin: when it dies, so do we.
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	go s.Start()
	if !s.ReadyForConnections(30 * time.Second) {
		t.Fatal("natstest: server not ready")
	}
	fmt.Println(readyLine, cfg.Name, strconv.Itoa(cfg.Port))
	s.WaitForShutdown()
}
