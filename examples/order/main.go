// Command order runs the order workflow of order.asl.json with its Task
// states bound to the Go functions below: the go generate path of
// sfn-compile. `make demo` regenerates the machine package and runs it.
package main

//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg machine -o machine/machine_gen.go order.asl.json

import (
	"context"
	"fmt"
	"os"

	"github.com/sfn-compile/sfn-compile/examples/order/machine"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

func main() {
	input := `{"orderId":"ORD-1001","amount":42.5,"currency":"EUR",
	  "items":[{"sku":"BOOK-1","qty":2},{"sku":"PEN-7","qty":10}],
	  "customer":{"email":"ada@example.com","address":{"street":"1 Main St","city":"Springfield","zip":"12345"}}}`
	if len(os.Args) > 1 {
		input = os.Args[1]
	}
	in, err := sfnrt.ParseJSON([]byte(input))
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad input:", err)
		os.Exit(2)
	}
	res := machine.New(Handlers{}).Start(context.Background(), in, sfnrt.Options{})
	if res.Status != sfnrt.StatusSucceeded {
		fmt.Fprintf(os.Stderr, "%s: %s: %s\n", res.Status, res.Error, res.Cause)
		os.Exit(1)
	}
	fmt.Println(sfnrt.ToJSON(res.Output))
}

// Handlers implements machine.Handlers: one method per Task state.
type Handlers struct{}

type paymentRequest struct {
	OrderID  string  `json:"orderId"`
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

// ProcessPayment approves every payment.
func (Handlers) ProcessPayment(ctx context.Context, input any) (any, error) {
	var req paymentRequest
	if err := sfnrt.ToGo(input, &req); err != nil {
		return nil, err
	}
	if req.Amount <= 0 {
		return nil, sfnrt.NewError("PaymentDeclined", "amount must be positive")
	}
	return sfnrt.FromGo(map[string]any{"status": "APPROVED", "transactionId": "TX-" + req.OrderID, "amount": req.Amount})
}

// UpdateInventory counts the order lines.
func (Handlers) UpdateInventory(ctx context.Context, input any) (any, error) {
	var req struct {
		Items []any `json:"items"`
	}
	if err := sfnrt.ToGo(input, &req); err != nil {
		return nil, err
	}
	return sfnrt.FromGo(map[string]any{"inventoryUpdated": true, "lines": len(req.Items)})
}

// SendConfirmationEmail pretends to send an e-mail.
func (Handlers) SendConfirmationEmail(ctx context.Context, input any) (any, error) {
	email, _ := sfnrt.Field(input, "email")
	return sfnrt.ObjectOf(sfnrt.Member{Key: "emailSent", Value: true}, sfnrt.Member{Key: "to", Value: email}), nil
}

// NotifyShipping books a shipment.
func (Handlers) NotifyShipping(ctx context.Context, input any) (any, error) {
	id, _ := sfnrt.Field(input, "orderId")
	return sfnrt.ObjectOf(sfnrt.Member{Key: "shipmentId", Value: "SHIP-" + sfnrt.Text(id)}, sfnrt.Member{Key: "carrier", Value: "ACME"}), nil
}
