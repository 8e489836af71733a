package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sfn-compile/sfn-compile/server"
)

// The order workload of ../shared/bench (bench/internal/benchmain's
// input and output), its Tasks answered by a mock config as the Lambda
// functions of the hand-written peer answer.
const (
	orderBenchInput = `{"orderId":"ORD-1001","amount":42.5,"currency":"EUR",
	  "items":[{"sku":"BOOK-1","qty":2},{"sku":"PEN-7","qty":10}],
	  "customer":{"email":"ada@example.com","address":{"street":"1 Main St","city":"Springfield","zip":"12345"}}}`
	orderBenchOutput = `{"orderId":"ORD-1001","amount":42.5,"currency":"EUR","items":[{"sku":"BOOK-1","qty":2},{"sku":"PEN-7","qty":10}],` +
		`"customer":{"email":"ada@example.com","address":{"street":"1 Main St","city":"Springfield","zip":"12345"}},` +
		`"payment":{"status":"APPROVED","transactionId":"TX-ORD-1001","amount":42.5},` +
		`"fulfilment":[{"inventoryUpdated":true,"lines":2},{"emailSent":true,"to":"ada@example.com"}],` +
		`"shipping":{"shipmentId":"SHIP-ORD-1001","carrier":"ACME"}}`
	orderBenchMock = `{
  "StateMachines": {"order": {"TestCases": {"Bench": {
    "ProcessPayment": "Paid", "UpdateInventory": "Stocked", "SendConfirmationEmail": "Mailed", "NotifyShipping": "Shipped"}}}},
  "MockedResponses": {
    "Paid": {"0": {"Return": {"status": "APPROVED", "transactionId": "TX-ORD-1001", "amount": 42.5}}},
    "Stocked": {"0": {"Return": {"inventoryUpdated": true, "lines": 2}}},
    "Mailed": {"0": {"Return": {"emailSent": true, "to": "ada@example.com"}}},
    "Shipped": {"0": {"Return": {"shipmentId": "SHIP-ORD-1001", "carrier": "ACME"}}}}
}`
)

// BenchmarkServeStandardOrder measures StartExecution → SUCCEEDED of the
// order machine on the server's SQLite store, through the Go SDK: each
// operation starts an execution and describes it until it has ended
// (soon at first, then every 20 ms at most). SFN_BENCH_CLIENTS sets the
// clients running at once (default 1).
func BenchmarkServeStandardOrder(b *testing.B) {
	def, err := os.ReadFile(filepath.Join("..", "..", "examples", "order", "order.asl.json"))
	if err != nil {
		b.Fatal(err)
	}
	mock := filepath.Join(b.TempDir(), "mock.json")
	if err := os.WriteFile(mock, []byte(orderBenchMock), 0o666); err != nil {
		b.Fatal(err)
	}
	c := serveSDK(b, server.Config{DataDir: b.TempDir(), MockConfig: mock})
	arn := createMachine(b, c, "order", "STANDARD", string(def)) + "#Bench"
	ctx := context.Background()
	run := func(name string) (time.Duration, error) {
		t0 := time.Now()
		out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String(name), Input: aws.String(orderBenchInput)})
		if err != nil {
			return 0, err
		}
		for pause := time.Millisecond; ; pause = min(2*pause, 20*time.Millisecond) {
			d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: out.ExecutionArn})
			if err != nil {
				return 0, err
			}
			if d.Status != types.ExecutionStatusRunning {
				if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != orderBenchOutput {
					return 0, fmt.Errorf("%s: %s %s", name, d.Status, aws.ToString(d.Output))
				}
				return time.Since(t0), nil
			}
			time.Sleep(pause)
		}
	}
	if _, err := run("warm-up"); err != nil { // waits for the build and the worker
		b.Fatal(err)
	}
	clients := 1
	if n, err := parseClients(os.Getenv("SFN_BENCH_CLIENTS")); err == nil {
		clients = n
	}
	lat := make([]time.Duration, b.N)
	var next sync.Mutex
	i := 0
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				next.Lock()
				k := i
				i++
				next.Unlock()
				if k >= b.N {
					return
				}
				d, err := run(fmt.Sprintf("b%d-%d", b.N, k))
				if err != nil {
					b.Error(err)
					return
				}
				lat[k] = d
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "exec/s")
}
