// Package shop is the Go code behind the order workflow's Task states:
// `sfn-compile gen -handlers ./shop.Handlers` binds each Task state to the
// method of Handlers named after it. Inputs and outputs are ordinary Go
// types; the generated package converts the state's JSON to and from
// them as encoding/json would. The bench kit's order workload
// (bench/order) runs the same handlers: they compute what its
// hand-written peer's processPayment, updateInventory,
// sendConfirmationEmail and notifyShipping compute
// (../shared/bench/peers/handwritten/order.go).
package shop

import (
	"context"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Handlers binds the order machine's Task states.
type Handlers struct{}

// PaymentRequest is ProcessPayment's input.
type PaymentRequest struct {
	OrderID  string  `json:"orderId"`
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

// Payment is ProcessPayment's result.
type Payment struct {
	Status        string  `json:"status"`
	TransactionID string  `json:"transactionId"`
	Amount        float64 `json:"amount"`
}

// ProcessPayment approves every payment of a positive amount.
func (Handlers) ProcessPayment(ctx context.Context, r PaymentRequest) (Payment, error) {
	if r.Amount <= 0 {
		// An ASL error name that Retry and Catch can match; any other
		// error is States.TaskFailed.
		return Payment{}, sfnrt.NewError("PaymentDeclined", "amount must be positive")
	}
	return Payment{Status: "APPROVED", TransactionID: "TX-" + r.OrderID, Amount: r.Amount}, nil
}

// LineItem is one line of an order.
type LineItem struct {
	Sku string `json:"sku"`
	Qty int64  `json:"qty"`
}

// InventoryRequest is UpdateInventory's input.
type InventoryRequest struct {
	OrderID string     `json:"orderId"`
	Items   []LineItem `json:"items"`
}

// InventoryResult is UpdateInventory's result.
type InventoryResult struct {
	InventoryUpdated bool  `json:"inventoryUpdated"`
	Lines            int64 `json:"lines"`
}

// UpdateInventory counts the order lines.
func (Handlers) UpdateInventory(ctx context.Context, r InventoryRequest) (InventoryResult, error) {
	return InventoryResult{InventoryUpdated: true, Lines: int64(len(r.Items))}, nil
}

// EmailRequest is SendConfirmationEmail's input.
type EmailRequest struct {
	OrderID string `json:"orderId"`
	Email   string `json:"email"`
}

// EmailResult is SendConfirmationEmail's result.
type EmailResult struct {
	EmailSent bool   `json:"emailSent"`
	To        string `json:"to"`
}

// SendConfirmationEmail pretends to send the e-mail.
func (Handlers) SendConfirmationEmail(ctx context.Context, r EmailRequest) (EmailResult, error) {
	return EmailResult{EmailSent: true, To: r.Email}, nil
}

// Address is where an order ships.
type Address struct {
	Street string `json:"street"`
	City   string `json:"city"`
	Zip    string `json:"zip"`
}

// ShippingRequest is NotifyShipping's input.
type ShippingRequest struct {
	OrderID       string  `json:"orderId"`
	TransactionID string  `json:"transactionId"`
	Address       Address `json:"address"`
}

// Shipping is NotifyShipping's result.
type Shipping struct {
	ShipmentID string `json:"shipmentId"`
	Carrier    string `json:"carrier"`
}

// NotifyShipping books the shipment.
func (Handlers) NotifyShipping(ctx context.Context, r ShippingRequest) (Shipping, error) {
	return Shipping{ShipmentID: "SHIP-" + r.OrderID, Carrier: "ACME"}, nil
}
