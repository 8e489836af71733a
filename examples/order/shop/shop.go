// Package shop is the Go code behind the order workflow's Task states:
// `sfn-compile gen -handlers ./shop.Handlers` binds each Task state to the
// method of Handlers named after it. Inputs and outputs are ordinary Go
// types; the generated package converts the state's JSON to and from
// them as encoding/json would.
package shop

import (
	"context"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Handlers holds what the handlers share (here, nothing).
type Handlers struct{}

// PaymentRequest is what ProcessPayment's Parameters select.
type PaymentRequest struct {
	OrderID  string  `json:"orderId"`
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

// Payment is ProcessPayment's result, at $.payment.
type Payment struct {
	Status        string  `json:"status"`
	TransactionID string  `json:"transactionId"`
	Amount        float64 `json:"amount"`
}

// ProcessPayment approves every payment of a positive amount.
func (Handlers) ProcessPayment(ctx context.Context, req PaymentRequest) (Payment, error) {
	if req.Amount <= 0 {
		// An ASL error name that Retry and Catch can match; any other
		// error is States.TaskFailed.
		return Payment{}, sfnrt.NewError("PaymentDeclined", "amount must be positive")
	}
	return Payment{Status: "APPROVED", TransactionID: "TX-" + req.OrderID, Amount: req.Amount}, nil
}

// LineItem is one line of an order.
type LineItem struct {
	Sku string `json:"sku"`
	Qty int    `json:"qty"`
}

// InventoryRequest is what UpdateInventory's Parameters select.
type InventoryRequest struct {
	OrderID string     `json:"orderId"`
	Items   []LineItem `json:"items"`
}

// InventoryResult is UpdateInventory's result.
type InventoryResult struct {
	InventoryUpdated bool `json:"inventoryUpdated"`
	Lines            int  `json:"lines"`
}

// UpdateInventory counts the order lines.
func (Handlers) UpdateInventory(ctx context.Context, req InventoryRequest) (InventoryResult, error) {
	return InventoryResult{InventoryUpdated: true, Lines: len(req.Items)}, nil
}

// EmailRequest is what SendConfirmationEmail's Parameters select.
type EmailRequest struct {
	OrderID string `json:"orderId"`
	Email   string `json:"email"`
}

// EmailResult is SendConfirmationEmail's result.
type EmailResult struct {
	EmailSent bool   `json:"emailSent"`
	To        string `json:"to"`
}

// SendConfirmationEmail pretends to send an e-mail.
func (Handlers) SendConfirmationEmail(ctx context.Context, req EmailRequest) (EmailResult, error) {
	return EmailResult{EmailSent: true, To: req.Email}, nil
}

// ShippingRequest is what NotifyShipping's Parameters select.
type ShippingRequest struct {
	OrderID       string            `json:"orderId"`
	TransactionID string            `json:"transactionId"`
	Address       map[string]string `json:"address"`
}

// Shipment is NotifyShipping's result.
type Shipment struct {
	ShipmentID string `json:"shipmentId"`
	Carrier    string `json:"carrier"`
}

// NotifyShipping books a shipment.
func (Handlers) NotifyShipping(ctx context.Context, req ShippingRequest) (Shipment, error) {
	return Shipment{ShipmentID: "SHIP-" + req.OrderID, Carrier: "ACME"}, nil
}
