// SPDX-License-Identifier: LGPL-2.1-or-later
#include "states.h"

#include "text.h"

static void choose(struct kiosk_screens *s, enum kiosk_screen scr,
		   unsigned int options, const char *text)
{
	kiosk_screens_choices(s, scr, options, NULL, NULL);
	kiosk_screens_show(s, scr, text, NULL, NULL);
}

bool kiosk_states_show(struct kiosk_screens *s, int step)
{
	switch (step) {
	case 0:
		kiosk_screens_show(s, KIOSK_SCR_WAITING, NULL, NULL, NULL);
		break;
	case 1:
		kiosk_screens_show(s, KIOSK_SCR_READING,
			K_("カードを動かさないでください。"), NULL, NULL);
		break;
	case 2:
		choose(s, KIOSK_SCR_CHOOSE,
		       MNCR_QUALIFY_OPT_FACE | MNCR_QUALIFY_OPT_PIN,
		       K_("本人確認の方法を選んでください。"));
		break;
	case 3:
		kiosk_screens_show(s, KIOSK_SCR_FACE,
			K_("カメラを見て、まばたきをしてください。"), NULL, NULL);
		break;
	case 4:
		/* Three digits in: the dots, never the digits. */
		kiosk_screens_pin_dots(s, 3);
		kiosk_screens_show(s, KIOSK_SCR_PIN,
			K_("暗証番号（数字4桁）を入力してください。"), NULL, NULL);
		break;
	case 5:
		kiosk_screens_consent(s, MNCR_QUALIFY_CONSENT_MEDICATION);
		kiosk_screens_show(s, KIOSK_SCR_CONSENT,
			K_("過去のお薬の情報を提供することに同意しますか？"),
			NULL, NULL);
		break;
	case 6:
		kiosk_screens_show(s, KIOSK_SCR_RESULT,
			K_("資格を確認できました。カードをお取りください。"),
			K_("負担割合：3割"), NULL);
		break;
	case 7:
		choose(s, KIOSK_SCR_STAFF,
		       MNCR_QUALIFY_OPT_VISUAL | MNCR_QUALIFY_OPT_INSURANCE_CARD |
		       MNCR_QUALIFY_OPT_CLAIM_FORM | MNCR_QUALIFY_OPT_CANCEL,
		       K_("目視確認、資格確認書・保険証の確認、申立書の作成のいずれかを選んでください。"));
		break;
	case 8:
		kiosk_screens_show(s, KIOSK_SCR_VISUAL,
			K_("カードの顔写真とご本人を見比べてください。"),
			NULL, NULL);
		break;
	case 9:
		kiosk_screens_show(s, KIOSK_SCR_CLAIM,
			K_("被保険者資格申立書を作成しました。"), NULL, NULL);
		break;
	default:
		return false;
	}
	return true;
}
