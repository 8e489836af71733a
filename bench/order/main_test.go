package main

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sfn-compile/sfn-compile/bench/internal/benchmain"
	"github.com/sfn-compile/sfn-compile/examples/order/machine"
	"github.com/sfn-compile/sfn-compile/examples/order/shop"
	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The bench kit's order input and the hand-written peer's output for it.
const (
	orderInput  = benchmain.OrderInput
	orderOutput = benchmain.OrderOutput
)

func TestCommandLine(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := benchmain.Run(machine.New(shop.Handlers{}), nil, []string{"--input", orderInput, "--repeat", "3"}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit code %d, stderr %q", code, stderr.String())
	}
	if diff := cmp.Diff(orderOutput+"\n", stdout.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

// TestTypedHandlers runs the machine on inputs the typed handlers
// decode, and on inputs they refuse: a field of the wrong type fails the
// Task state with encoding/json's error as its cause (after its retries),
// and the machine's Catch sends it to PaymentFailed or FulfilmentFailed.
func TestTypedHandlers(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		status string
		want   string // the output, or the error of the failed execution
		cause  string // a part of the caught error's cause
	}{
		{"integral amount", `{"orderId":"A","amount":3,"currency":"EUR","items":[],"customer":{"email":"a@b","address":{"zip":"1"}}}`, sfnrt.StatusSucceeded,
			`{"orderId":"A","amount":3,"currency":"EUR","items":[],"customer":{"email":"a@b","address":{"zip":"1"}},` +
				`"payment":{"status":"APPROVED","transactionId":"TX-A","amount":3},` +
				`"fulfilment":[{"inventoryUpdated":true,"lines":0},{"emailSent":true,"to":"a@b"}],"shipping":{"shipmentId":"SHIP-A","carrier":"ACME"}}`, ""},
		{"null fields are zero", `{"orderId":"B","amount":1,"currency":null,"items":null,"customer":{"email":null,"address":null}}`, sfnrt.StatusSucceeded,
			`{"orderId":"B","amount":1,"currency":null,"items":null,"customer":{"email":null,"address":null},"payment":{"status":"APPROVED","transactionId":"TX-B","amount":1},` +
				`"fulfilment":[{"inventoryUpdated":true,"lines":0},{"emailSent":true,"to":""}],"shipping":{"shipmentId":"SHIP-B","carrier":"ACME"}}`, ""},
		{"amount is null, so zero: declined", `{"orderId":"B","amount":null,"currency":"EUR"}`, sfnrt.StatusFailed, "PaymentFailed",
			"amount must be positive"},
		{"amount is a string", `{"orderId":"A","amount":"3","currency":"EUR"}`, sfnrt.StatusFailed, "PaymentFailed",
			"cannot unmarshal string into Go struct field PaymentRequest.amount of type float64"},
		{"items is an object", `{"orderId":"A","amount":1,"currency":"EUR","items":{},"customer":{"email":"a@b"}}`, sfnrt.StatusFailed, "FulfilmentFailed",
			"cannot unmarshal object into Go struct field InventoryRequest.items of type []shop.LineItem"},
		{"fractional quantity", `{"orderId":"A","amount":1,"currency":"EUR","items":[{"sku":"X","qty":1.5}],"customer":{"email":"a@b"}}`, sfnrt.StatusFailed, "FulfilmentFailed",
			"cannot unmarshal number 1.5 into Go struct field LineItem.items.qty of type int64"},
		{"a key in another case", `{"orderId":"C","amount":2,"currency":"EUR","items":[{"SKU":"X","Qty":1}],"customer":{"email":"a@b","address":{"Zip":"1"}}}`, sfnrt.StatusSucceeded,
			`{"orderId":"C","amount":2,"currency":"EUR","items":[{"SKU":"X","Qty":1}],"customer":{"email":"a@b","address":{"Zip":"1"}},` +
				`"payment":{"status":"APPROVED","transactionId":"TX-C","amount":2},` +
				`"fulfilment":[{"inventoryUpdated":true,"lines":1},{"emailSent":true,"to":"a@b"}],"shipping":{"shipmentId":"SHIP-C","carrier":"ACME"}}`, ""},
	}
	m := machine.New(shop.Handlers{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := m.Start(context.Background(), sfnrt.MustParseJSON(tt.input), sfnrt.Options{SkipWaits: true, History: tt.cause != ""})
			if res.Status != tt.status {
				t.Fatalf("status %s (%s: %s), want %s", res.Status, res.Error, res.Cause, tt.status)
			}
			if tt.status == sfnrt.StatusSucceeded {
				if got := sfnrt.ToJSON(res.Output); got != tt.want {
					t.Errorf("output\n got %s\nwant %s", got, tt.want)
				}
				return
			}
			if res.Error != tt.want {
				t.Errorf("error %s, want %s", res.Error, tt.want)
			}
			var causes []string
			for _, e := range res.History {
				if e.Type == "TaskFailed" || e.Type == "LambdaFunctionFailed" {
					d, _ := e.Details.Get("cause")
					causes = append(causes, sfnimpl.Text(d))
				}
			}
			if len(causes) == 0 || !strings.Contains(causes[len(causes)-1], tt.cause) {
				t.Errorf("failed tasks' causes %q, want one with %q", causes, tt.cause)
			}
		})
	}
}

// TestOrderAllocations pins what an order execution allocates with the
// typed handlers (no history, a context that cannot end): the execution's
// ID and Result; the input copied once with room for the three results
// (ResultPath); each handler's result object (its strings inside it) and
// the Payment's float; the two strings the handlers concatenate; the
// Parallel's results, their box and its branches' context (in one); the
// line items UpdateInventory takes; a header for each member ResultPath
// adds to the copy. A handler's input struct, or the TaskFunc that once
// closed over it, moved to the heap would show here (23 allocations
// before sfnimpl.RunTaskInline).
func TestOrderAllocations(t *testing.T) {
	const want = 14
	m := machine.New(shop.Handlers{})
	in := sfnrt.MustParseJSON(orderInput)
	ctx := context.Background()
	m.Start(ctx, in, sfnrt.Options{}) // the pools' first items
	n := testing.AllocsPerRun(100, func() {
		if res := m.Start(ctx, in, sfnrt.Options{}); res.Status != sfnrt.StatusSucceeded {
			t.Fatal(res.Error, res.Cause)
		}
	})
	if n > want {
		t.Errorf("an order execution allocates %v times, want at most %d", n, want)
	}
}

// flaky fails its Task handlers as its scripts say, one script per
// handler (its branches may run concurrently), call by call: "ok" runs
// shop's handler, a name fails with that ASL error, "plain" with a Go
// error (States.TaskFailed), "panic" panics.
type flaky struct {
	shop.Handlers
	scripts [4][]string
	calls   [4]int
}

func (h *flaky) next(task int) error {
	script := h.scripts[task]
	s := script[h.calls[task]%len(script)]
	h.calls[task]++
	switch s {
	case "ok":
		return nil
	case "plain":
		return errors.New("plain failure")
	case "panic":
		panic("handler panicked")
	}
	return &sfnrt.Error{Name: s, Cause: "call " + strconv.Itoa(h.calls[task]), HasCause: true}
}

func (h *flaky) ProcessPayment(ctx context.Context, r shop.PaymentRequest) (shop.Payment, error) {
	if err := h.next(0); err != nil {
		return shop.Payment{}, err
	}
	return h.Handlers.ProcessPayment(ctx, r)
}

func (h *flaky) UpdateInventory(ctx context.Context, r shop.InventoryRequest) (shop.InventoryResult, error) {
	if err := h.next(1); err != nil {
		return shop.InventoryResult{}, err
	}
	return h.Handlers.UpdateInventory(ctx, r)
}

func (h *flaky) SendConfirmationEmail(ctx context.Context, r shop.EmailRequest) (shop.EmailResult, error) {
	if err := h.next(2); err != nil {
		return shop.EmailResult{}, err
	}
	return h.Handlers.SendConfirmationEmail(ctx, r)
}

func (h *flaky) NotifyShipping(ctx context.Context, r shop.ShippingRequest) (shop.Shipping, error) {
	if err := h.next(3); err != nil {
		return shop.Shipping{}, err
	}
	return h.Handlers.NotifyShipping(ctx, r)
}

// TestTypedRetriesInlineAsOrdinary: the order machine's typed handlers
// called inline (a context that cannot end, on the real clock: the first
// attempt direct, its error handed to RetryAfter) end every execution as
// they do called the ordinary way (each attempt a TaskFunc under Retry,
// here on the fake clock of SkipWaits, on which Tasks never run inline):
// same status, output, error and cause, as many calls of the handlers
// outside the Parallel. (A branch's calls are left out: on the real clock
// the Parallel's helpers may start the other branch while one waits.)
// States.TaskFailed matches every error but States.Timeout, so a retried
// failure waits a second or more of real time: a few fixed scripts place
// one each, and random ones fail with States.Timeout, which only
// ProcessPayment retries.
func TestTypedRetriesInlineAsOrdinary(t *testing.T) {
	ok := []string{"ok"}
	scripts := [][4][]string{
		{{"plain", "ok"}, ok, ok, ok},          // ProcessPayment retried once
		{{"States.Timeout", "ok"}, ok, ok, ok}, // by its other error name
		{ok, ok, ok, {"panic", "ok"}},          // NotifyShipping panics: retried
	}
	// (Retries past MaxAttempts, several retriers and jitter:
	// TestRetryTaskInlineIsRetry in the engine.)
	if testing.Short() {
		scripts = scripts[:0] // 4 seconds of back-off
	}
	rng := rand.New(rand.NewPCG(1, 3))
	kinds := []string{"ok", "ok", "States.Timeout"}
	for range 100 {
		s := [4][]string{ok}
		for i := 1; i < len(s); i++ {
			s[i] = []string{kinds[rng.IntN(len(kinds))]}
		}
		scripts = append(scripts, s)
	}
	in := sfnrt.MustParseJSON(orderInput)
	type outcome struct {
		Status, Output, Error, Cause string
		Payments, Shipments          int
	}
	do := func(scripts [4][]string, ordinary bool) outcome {
		h := &flaky{scripts: scripts}
		res := machine.New(h).Start(context.Background(), in, sfnrt.Options{Name: "x", SkipWaits: ordinary})
		return outcome{res.Status, sfnrt.ToJSON(res.Output), res.Error, res.Cause, h.calls[0], h.calls[3]}
	}
	for _, s := range scripts {
		want, got := do(s, true), do(s, false)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("scripts %v: inline differs from ordinary (-ordinary +inline):\n%s", s, diff)
		}
	}
}
