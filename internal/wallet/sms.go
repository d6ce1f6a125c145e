package wallet

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

// SMSSender delivers a text message to a phone: in production, a mobile
// operator's gateway.
type SMSSender interface {
	SendSMS(ctx context.Context, phone, text string) error
}

// Outbox is the demo's SMS gateway: messages go to the store's outbox,
// which the demo's /wallet/sms page shows. Never to the log: a message
// holds a sign-in code, and logs are read by more people, and kept
// longer, than codes may be.
type Outbox struct{ st *store.Store }

// NewOutbox returns the outbox of st.
func NewOutbox(st *store.Store) Outbox { return Outbox{st: st} }

// SendSMS stores the message.
func (o Outbox) SendSMS(ctx context.Context, phone, text string) error {
	if err := o.st.AddSMS(ctx, store.SMS{Phone: phone, Body: text, CreatedAt: time.Now().UTC()}); err != nil {
		return fmt.Errorf("sms to %s: %w", MaskPhone(phone), err)
	}
	slog.DebugContext(ctx, "sms outbox", "phone", MaskPhone(phone))
	return nil
}

// Messages reads the latest limit messages of the outbox, newest first.
func (o Outbox) Messages(ctx context.Context, limit int) ([]store.SMS, error) {
	return o.st.SMSOutbox(ctx, limit)
}

// codeText is the sign-in message in the citizen's language; it says
// what the code is for and that no one else should hear it.
func codeText(lang, code string, ttl time.Duration) string {
	mins := int(ttl.Minutes())
	switch lang {
	case "ru":
		return fmt.Sprintf("ortaq: код входа в кошелёк данных %s. Действует %d мин. Никому его не сообщайте.", code, mins)
	case "en":
		return fmt.Sprintf("ortaq: your data wallet sign-in code is %s. Valid for %d min. Never tell it to anyone.", code, mins)
	}
	return fmt.Sprintf("ortaq: деректер әмиянына кіру коды %s. %d мин жарамды. Оны ешкімге айтпаңыз.", code, mins)
}

// MaskPhone shows only a phone number's last two digits: +7 *** *** ** 41.
func MaskPhone(phone string) string {
	if len(phone) < 4 {
		return "***"
	}
	return "+7 *** *** ** " + phone[len(phone)-2:]
}
