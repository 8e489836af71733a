package main

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/examples/order/machine"
	"github.com/sfn-compile/sfn-compile/examples/order/shop"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

func TestOrder(t *testing.T) {
	in := sfnrt.MustParseJSON(`{"orderId":"A1","amount":5,"currency":"EUR","items":[{"sku":"X","qty":1}],
	  "customer":{"email":"a@b.c","address":{"city":"Z"}}}`)
	res := machine.New(shop.Handlers{}).Start(context.Background(), in, sfnrt.Options{})
	if res.Status != sfnrt.StatusSucceeded {
		t.Fatalf("status %s: %s: %s", res.Status, res.Error, res.Cause)
	}
	want := `{"orderId":"A1","amount":5,"currency":"EUR","items":[{"sku":"X","qty":1}],` +
		`"customer":{"email":"a@b.c","address":{"city":"Z"}},` +
		`"payment":{"status":"APPROVED","transactionId":"TX-A1","amount":5},` +
		`"fulfilment":[{"inventoryUpdated":true,"lines":1},{"emailSent":true,"to":"a@b.c"}],` +
		`"shipping":{"shipmentId":"SHIP-A1","carrier":"ACME"}}`
	if diff := cmp.Diff(want, sfnrt.ToJSON(res.Output)); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

// A declined payment is caught by the Catch of ProcessPayment and ends in
// the PaymentFailed state.
func TestOrderDeclined(t *testing.T) {
	in := sfnrt.MustParseJSON(`{"orderId":"A1","amount":0,"currency":"EUR"}`)
	res := machine.New(shop.Handlers{}).Start(context.Background(), in, sfnrt.Options{SkipWaits: true})
	if res.Status != sfnrt.StatusFailed || res.Error != "PaymentFailed" {
		t.Fatalf("got %s %s: %s", res.Status, res.Error, res.Cause)
	}
}
