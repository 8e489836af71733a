// Package shop holds the order workload's Task handlers, typed: each takes
// the struct its Task state's Parameters fill and returns a struct, as a
// Go Lambda function would. They compute what the hand-written peer's
// processPayment, updateInventory, sendConfirmationEmail and
// notifyShipping compute (../shared/bench/peers/handwritten/order.go).
// `sfn-compile gen -handlers ./shop.Handlers` binds them to the machine.
package shop

import "context"

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

// ProcessPayment approves the payment.
func (Handlers) ProcessPayment(ctx context.Context, r PaymentRequest) (Payment, error) {
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
