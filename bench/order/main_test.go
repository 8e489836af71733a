package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sfn-compile/sfn-compile/bench/internal/benchmain"
	"github.com/sfn-compile/sfn-compile/bench/order/machine"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The bench kit's order input and the hand-written peer's output for it.
const (
	orderInput = `{"orderId":"ORD-1001","amount":42.5,"currency":"EUR",
	  "items":[{"sku":"BOOK-1","qty":2},{"sku":"PEN-7","qty":10}],
	  "customer":{"email":"ada@example.com","address":{"street":"1 Main St","city":"Springfield","zip":"12345"}}}`
	orderOutput = `{"orderId":"ORD-1001","amount":42.5,"currency":"EUR","items":[{"sku":"BOOK-1","qty":2},{"sku":"PEN-7","qty":10}],` +
		`"customer":{"email":"ada@example.com","address":{"street":"1 Main St","city":"Springfield","zip":"12345"}},` +
		`"payment":{"status":"APPROVED","transactionId":"TX-ORD-1001","amount":42.5},` +
		`"fulfilment":[{"inventoryUpdated":true,"lines":2},{"emailSent":true,"to":"ada@example.com"}],` +
		`"shipping":{"shipmentId":"SHIP-ORD-1001","carrier":"ACME"}}`
)

func TestCommandLine(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := benchmain.Run(machine.New(Handlers{}), nil, []string{"--input", orderInput, "--repeat", "3"}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit code %d, stderr %q", code, stderr.String())
	}
	if diff := cmp.Diff(orderOutput+"\n", stdout.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestHandlers(t *testing.T) {
	tests := []struct {
		name  string
		run   func(context.Context, any) (any, error)
		input string
		want  string // "" for an error
	}{
		{"payment", Handlers{}.ProcessPayment, `{"orderId":"A","amount":3,"currency":"EUR"}`, `{"status":"APPROVED","transactionId":"TX-A","amount":3}`},
		{"payment bad amount", Handlers{}.ProcessPayment, `{"orderId":"A","amount":"3","currency":"EUR"}`, ""},
		{"payment no id", Handlers{}.ProcessPayment, `{"amount":3,"currency":"EUR"}`, ""},
		{"inventory", Handlers{}.UpdateInventory, `{"orderId":"A","items":[1,2,3]}`, `{"inventoryUpdated":true,"lines":3}`},
		{"inventory null items", Handlers{}.UpdateInventory, `{"orderId":"A","items":null}`, `{"inventoryUpdated":true,"lines":0}`},
		{"inventory bad items", Handlers{}.UpdateInventory, `{"orderId":"A","items":{}}`, ""},
		{"email", Handlers{}.SendConfirmationEmail, `{"orderId":"A","email":"a@b"}`, `{"emailSent":true,"to":"a@b"}`},
		{"email missing", Handlers{}.SendConfirmationEmail, `{"orderId":"A"}`, ""},
		{"shipping", Handlers{}.NotifyShipping, `{"orderId":"A","transactionId":"TX-A","address":{}}`, `{"shipmentId":"SHIP-A","carrier":"ACME"}`},
		{"shipping no address", Handlers{}.NotifyShipping, `{"orderId":"A","transactionId":"TX-A"}`, ""},
		{"not an object", Handlers{}.NotifyShipping, `[]`, ""},
	}
	for _, tt := range tests {
		out, err := tt.run(context.Background(), sfnrt.MustParseJSON(tt.input))
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("%s: got %s, want an error", tt.name, sfnrt.ToJSON(out))
		case tt.want != "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && sfnrt.ToJSON(out) != tt.want:
			t.Errorf("%s: got %s, want %s", tt.name, sfnrt.ToJSON(out), tt.want)
		}
	}
}
