package wallet

import (
	"context"
	"strconv"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/web/view"
)

// accessNames are registryNames with the Social Wallet's merchants named
// by id, for the rows of their requests in "who looked"; on a server
// without the wallet those rows name the merchant's exchange member.
func (s *Server) accessNames(ctx context.Context, l view.Locale) (registryNames, error) {
	names := s.registryNames(l)
	sw := s.opts.SocialWallet
	if sw == nil {
		return names, nil
	}
	ms, err := sw.Merchants(ctx)
	if err != nil {
		return names, err
	}
	names.merchants = make(map[string]string, len(ms))
	for _, m := range ms {
		names.merchants[m.ID] = m.Name
	}
	return names, nil
}

// merchantRow words a merchant's request naming the citizen: which shop or
// canteen (by the name it registered), what it did (presented a payment
// code, billed a school meal), and, when refused, why in plain words.
func (n registryNames) merchantRow(l view.Locale, r audit.Record, a accessRow) accessRow {
	if name := n.merchants[r.Case]; name != "" {
		a.Agency = name
	}
	a.Merchant = true
	a.Service, a.Purpose = l.Label("read.", r.Service), l.Label("read.purpose.", r.Service)
	a.Basis, a.Case = l.Label("wallet.access.merchant.", r.Service), r.RequestID
	if !a.Allowed {
		if a.Refusal = l.Hint("wallet.merchant.refusal.", r.Reason); a.Refusal == "" {
			a.Refusal = l.Label("refusal.", strconv.Itoa(r.Status))
		}
	}
	return a
}

// merchantMessages word the merchants' requests in the citizen's "who
// looked".
var merchantMessages = view.Messages{
	"read.wallet.purchase": {"kk": "сіздің атыңызға төлем кодын ұсынды", "ru": "предъявил платёжный код на ваше имя",
		"en": "presented a payment code for you"},
	"read.wallet.meal": {
		"kk": "сізге мектеп тамағын есепке жазуды сұрады (бұл мектеп тамағына қолдауыңызды тексереді)",
		"ru": "запросил оплату школьного питания для вас (это проверяет вашу поддержку школьного питания)",
		"en": "asked to bill a school meal for you (which checks your school-meal support)"},
	"read.purpose.wallet.purchase": {"kk": "әлеуметтік әмияннан сатып алу", "ru": "покупка из социального кошелька",
		"en": "a purchase paid from the social wallet"},
	"read.purpose.wallet.meal": {"kk": "мектеп тамағы", "ru": "школьное питание", "en": "a school meal"},
	"wallet.access.merchant.wallet.purchase": {"kk": "әлеуметтік әмиянның тіркелген сатушысы",
		"ru": "зарегистрированный продавец социального кошелька", "en": "a merchant registered with the social wallet"},
	"wallet.access.merchant.wallet.meal": {"kk": "өз өңірінің тіркелген мектеп асханасы",
		"ru": "зарегистрированная школьная столовая своего региона", "en": "a school canteen registered for its region"},
	"wallet.merchant.refusal.code_invalid":       {"kk": "код қате", "ru": "неверный код", "en": "wrong code"},
	"wallet.merchant.refusal.code_expired":       {"kk": "кодтың мерзімі өтіп кеткен", "ru": "срок кода истёк", "en": "the code had expired"},
	"wallet.merchant.refusal.code_used":          {"kk": "код бұрын пайдаланылған немесе жаңасымен ауыстырылған", "ru": "код уже использован или заменён новым", "en": "the code was already used or replaced by a newer one"},
	"wallet.merchant.refusal.too_many_attempts":  {"kk": "тым көп әрекет", "ru": "слишком много попыток", "en": "too many attempts"},
	"wallet.merchant.refusal.exceeds_code_limit": {"kk": "сома кодқа сіз қойған шектен асты", "ru": "сумма больше лимита, который вы задали для кода", "en": "the amount was above the limit you set for the code"},
	"wallet.merchant.refusal.exists_with_different_fields": {"kk": "сатып алу нөмірі басқа деректермен қайталанды",
		"ru": "номер покупки повторён с другими данными", "en": "the purchase number was reused with other details"},
	"wallet.merchant.refusal.insufficient_funds":    {"kk": "ваучерлеріңізде қаражат жетпеді", "ru": "на ваших ваучерах не хватило средств", "en": "your vouchers held too little"},
	"wallet.merchant.refusal.exceeds_credits":       {"kk": "ваучерлеріңізде қаражат жетпеді", "ru": "на ваших ваучерах не хватило средств", "en": "your vouchers held too little"},
	"wallet.merchant.refusal.ledger_mismatch":       {"kk": "код сатушының санатына арналмаған", "ru": "код не для категории этого продавца", "en": "the code is for another category than the merchant's"},
	"wallet.merchant.refusal.not_eligible":          {"kk": "мектеп тамағына қолдау жоқ", "ru": "нет поддержки школьного питания", "en": "no school-meal support"},
	"wallet.merchant.refusal.not_this_canteen":      {"kk": "асхана басқа өңірде", "ru": "столовая из другого региона", "en": "the canteen is in another region"},
	"wallet.merchant.refusal.meal_already_served":   {"kk": "сол күні тамақ бұрын берілген", "ru": "в тот день питание уже было", "en": "a meal was already served that day"},
	"wallet.merchant.refusal.meal_date_not_allowed": {"kk": "бұл күнге тамақ есепке жазылмайды", "ru": "за этот день питание не оплачивается", "en": "a day no meal can be billed for"},
	"wallet.merchant.refusal.not_a_canteen":         {"kk": "сатушы мектеп асханасы емес", "ru": "продавец не школьная столовая", "en": "the merchant is not a school canteen"},
}

func init() { view.Register(merchantMessages) }
