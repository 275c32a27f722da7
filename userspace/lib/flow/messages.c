// SPDX-License-Identifier: LGPL-2.1-or-later
#include "flow/messages.h"

#include <errno.h>
#include <libintl.h>
#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

/* Marks a string for xgettext (--keyword=N_) without translating it here. */
#define N_(s) s

struct msg_def {
	const char *key;
	const char *text;
};

/*
 * Japanese is the source language: a reader with no catalogue shows it.
 * Keep texts short, polite (です・ます), and say what to do next.
 */
static const struct msg_def msgs[MNCR_MSG_COUNT] = {
	[MNCR_MSG_NONE] = { "none", "" },

	[MNCR_MSG_READING_CARD] = { "reading_card",
		N_("カードを読み取っています。カードを動かさないでください。") },
	[MNCR_MSG_CHOOSE_METHOD] = { "choose_method",
		N_("本人確認の方法を選んでください。") },
	[MNCR_MSG_FACE_LOOK] = { "face_look",
		N_("顔認証を行います。カメラを見て、まばたきをしてください。") },
	[MNCR_MSG_FACE_NO_MATCH] = { "face_no_match",
		N_("顔認証できませんでした（{0}回目／{1}回まで）。もう一度カメラを見てください。") },
	[MNCR_MSG_FACE_NO_FACE] = { "face_no_face",
		N_("顔が見つかりませんでした（{0}回目／{1}回まで）。カメラの正面で、マスクや帽子を外してください。") },
	[MNCR_MSG_FACE_LIVENESS] = { "face_liveness",
		N_("顔認証を完了できませんでした（{0}回目／{1}回まで）。ご本人がカメラを見てください。") },
	[MNCR_MSG_FACE_FAILED_PIN] = { "face_failed_pin",
		N_("顔認証できませんでした。暗証番号で本人確認するか、職員による確認を選んでください。") },
	[MNCR_MSG_FACE_FAILED_STAFF] = { "face_failed_staff",
		N_("顔認証できませんでした。職員をお呼びください。職員が本人確認を行います。") },
	[MNCR_MSG_FACE_PHOTO_UNUSABLE] = { "face_photo_unusable",
		N_("カードの顔写真を読み取れないため、顔認証はできません。") },
	[MNCR_MSG_CARD_UNVERIFIED] = { "card_unverified",
		N_("カードの真正性を確認できませんでした（券面の署名またはICチップの確認に失敗）。顔認証は行いません。") },

	[MNCR_MSG_PIN_ENTER] = { "pin_enter",
		N_("暗証番号（数字4桁）を入力してください。") },
	[MNCR_MSG_PIN_FORMAT] = { "pin_format",
		N_("暗証番号は数字4桁です。もう一度入力してください。") },
	[MNCR_MSG_PIN_WRONG] = { "pin_wrong",
		N_("暗証番号が違います。入力できるのはあと{0}回です。") },
	[MNCR_MSG_PIN_LAST_TRY] = { "pin_last_try",
		N_("暗証番号の入力はあと1回です。間違えるとロックされ、解除には市区町村の窓口での手続きが必要です。職員による確認に切り替えてください。") },
	[MNCR_MSG_PIN_BLOCKED] = { "pin_blocked",
		N_("暗証番号はロックされています。職員による確認に切り替えます。ロックの解除は市区町村の窓口で行えます。") },

	[MNCR_MSG_STAFF_CHOOSE] = { "staff_choose",
		N_("職員の方へ：目視確認、資格確認書・保険証の確認、被保険者資格申立書の作成のいずれかを選んでください。") },
	[MNCR_MSG_VISUAL_NEEDS_MODE] = { "visual_needs_mode",
		N_("目視確認を行うには、資格確認端末でカードリーダーを目視確認モードに切り替えてください。") },
	[MNCR_MSG_VISUAL_ATTEST] = { "visual_attest",
		N_("職員の方へ：カードの顔写真とご本人を見比べ、「目視で本人確認完了」を押してください。") },
	[MNCR_MSG_VISUAL_NOT_ATTESTED] = { "visual_not_attested",
		N_("目視による本人確認の記録がないため、目視確認では進めません。") },
	[MNCR_MSG_VISUAL_REFUSED_ABSENT] = { "visual_refused_absent",
		N_("薬局では、ご本人がいらっしゃらない場合は目視確認による資格確認ができません。処方箋に記載の保険情報、または資格確認書でご確認ください。") },
	[MNCR_MSG_NOT_OFFERED] = { "not_offered",
		N_("この方法は選べません。") },

	[MNCR_MSG_CONSENT_MEDICATION] = { "consent_medication",
		N_("過去のお薬の情報（薬剤情報）を、この医療機関・薬局に提供することに同意しますか？") },
	[MNCR_MSG_CONSENT_CHECKUP] = { "consent_checkup",
		N_("過去の健診結果（特定健診情報）を、この医療機関・薬局に提供することに同意しますか？") },
	[MNCR_MSG_CONSENT_CLINICAL] = { "consent_clinical",
		N_("過去の診療情報を、この医療機関・薬局に提供することに同意しますか？") },
	[MNCR_MSG_CONSENT_SURGERY] = { "consent_surgery",
		N_("過去の手術情報を、この医療機関・薬局に提供することに同意しますか？") },
	[MNCR_MSG_CONSENT_NOT_ASKED] = { "consent_not_asked",
		N_("ご本人がいらっしゃらないため、情報提供には同意しないものとして記録しました。") },

	[MNCR_MSG_QUERYING] = { "querying",
		N_("資格情報を確認しています。しばらくお待ちください。") },
	[MNCR_MSG_RESULT_VALID] = { "result_valid",
		N_("資格を確認できました。カードをお取りください。") },
	[MNCR_MSG_SHARE] = { "share",
		N_("負担割合：{0}割") },
	[MNCR_MSG_RESULT_INVALID] = { "result_invalid",
		N_("有効な資格を確認できませんでした。資格確認書などをお持ちでしたら受付にご提示ください。") },
	[MNCR_MSG_RESULT_NOT_FOUND] = { "result_not_found",
		N_("このカードで確認できる資格情報がありません（該当資格なし）。受付にお声がけください。") },
	[MNCR_MSG_RESULT_UNKNOWN] = { "result_unknown",
		N_("資格の状態を確定できませんでした。受付にお声がけください。") },
	[MNCR_MSG_CERT_EXPIRED] = { "cert_expired",
		N_("利用者証明用電子証明書の有効期限が切れているため、このカードでは資格確認できません。お住まいの市区町村で更新してください。") },
	[MNCR_MSG_CERT_REVOKED] = { "cert_revoked",
		N_("利用者証明用電子証明書が失効しているため、このカードでは資格確認できません。お住まいの市区町村にお問い合わせください。") },
	[MNCR_MSG_CERT_UNTRUSTED] = { "cert_untrusted",
		N_("このカードの電子証明書を確認できないため、資格確認できません。受付にお声がけください。") },
	[MNCR_MSG_NO_AUTH_CERT] = { "no_auth_cert",
		N_("このカードには利用者証明用電子証明書がないため、資格確認に使えません。お住まいの市区町村で発行を受けてください。") },

	[MNCR_MSG_SERVICE_DOWN] = { "service_down",
		N_("オンライン資格確認システムに接続できませんでした。確認の記録は残っており、あとで再照会できます。") },
	[MNCR_MSG_QUERY_FAILED] = { "query_failed",
		N_("資格情報の照会でエラーが発生しました。") },
	[MNCR_MSG_CLAIM_ISSUED] = { "claim_issued",
		N_("オンラインで資格確認を完了できなかったため、被保険者資格申立書を作成しました。連絡先・保険者・負担割合を記入して、受付にお出しください。") },
	[MNCR_MSG_CLAIM_FAILED] = { "claim_failed",
		N_("被保険者資格申立書を作成できませんでした。受付にお声がけください。") },
	[MNCR_MSG_GUIDE_PORTAL] = { "guide_portal",
		N_("マイナポータルの資格情報画面、または資格確認書・保険証の提示でも受診できます。") },
	[MNCR_MSG_GUIDE_CARD] = { "guide_card",
		N_("資格確認書・保険証の提示でも受診できます。") },
	[MNCR_MSG_INSURANCE_CARD] = { "insurance_card",
		N_("資格確認書または保険証で資格を確認します。受付にご提示ください。") },
	[MNCR_MSG_PORTAL] = { "portal",
		N_("スマートフォンでマイナポータルの資格情報画面を表示し、受付にご提示ください。") },

	[MNCR_MSG_CANCELLED] = { "cancelled",
		N_("中止しました。カードをお取りください。") },
	[MNCR_MSG_ERROR_CARD] = { "error_card",
		N_("カードを読み取れませんでした。受付にお声がけください。") },
	[MNCR_MSG_ERROR] = { "error",
		N_("エラーが発生しました。受付にお声がけください。") },
	[MNCR_MSG_REMOVE_CARD] = { "remove_card",
		N_("カードをお取りください。") },
	[MNCR_MSG_CARD_REMOVED] = { "card_removed",
		N_("カードが取り外されたため、確認を中止しました。") },

	[MNCR_MSG_OPT_FACE] = { "opt_face", N_("顔認証") },
	[MNCR_MSG_OPT_PIN] = { "opt_pin", N_("暗証番号") },
	[MNCR_MSG_OPT_STAFF] = { "opt_staff", N_("職員による確認") },
	[MNCR_MSG_OPT_VISUAL] = { "opt_visual", N_("目視確認") },
	[MNCR_MSG_OPT_LAST_TRY] = { "opt_last_try", N_("最後の1回を入力する") },
	[MNCR_MSG_OPT_INSURANCE_CARD] = { "opt_insurance_card",
		N_("資格確認書・保険証") },
	[MNCR_MSG_OPT_CLAIM_FORM] = { "opt_claim_form",
		N_("被保険者資格申立書を作成") },
	[MNCR_MSG_OPT_PORTAL] = { "opt_portal", N_("マイナポータル") },
	[MNCR_MSG_OPT_RETRY] = { "opt_retry", N_("再照会") },
	[MNCR_MSG_OPT_DONE] = { "opt_done", N_("終了") },
	[MNCR_MSG_OPT_CANCEL] = { "opt_cancel", N_("中止") },
	[MNCR_MSG_YES] = { "yes", N_("同意する") },
	[MNCR_MSG_NO] = { "no", N_("同意しない") },
};

int mncr_msg_bind(const char *localedir)
{
	if (localedir && !bindtextdomain(MNCR_MSG_DOMAIN, localedir))
		return errno ? -errno : -ENOMEM;
	if (!bind_textdomain_codeset(MNCR_MSG_DOMAIN, "UTF-8"))
		return errno ? -errno : -ENOMEM;
	return 0;
}

static const struct msg_def *def(enum mncr_msg id)
{
	if ((unsigned int)id >= MNCR_MSG_COUNT || !msgs[id].key)
		return NULL;
	return &msgs[id];
}

const char *mncr_msg_key(enum mncr_msg id)
{
	const struct msg_def *d = def(id);

	return d ? d->key : NULL;
}

int mncr_msg_from_key(const char *key, enum mncr_msg *id)
{
	for (unsigned int i = 0; key && i < MNCR_MSG_COUNT; i++) {
		if (msgs[i].key && strcmp(msgs[i].key, key) == 0) {
			*id = (enum mncr_msg)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *mncr_msg_source(enum mncr_msg id)
{
	const struct msg_def *d = def(id);

	return d ? d->text : NULL;
}

const char *mncr_msg_text(enum mncr_msg id)
{
	const struct msg_def *d = def(id);

	/* gettext("") would return the catalogue header. */
	if (!d || !d->text[0])
		return "";
	return dgettext(MNCR_MSG_DOMAIN, d->text);
}

/* Appends len bytes to buf (truncating), counting them all in *need. */
static void put(char *buf, size_t cap, size_t *need, const char *s, size_t len)
{
	if (*need < cap) {
		size_t room = cap - 1 - *need;

		memcpy(buf + *need, s, len < room ? len : room);
	}
	*need += len;
}

/* NUL-terminates; when cut short, not inside a UTF-8 sequence. */
static void terminate(char *buf, size_t cap, size_t need)
{
	buf[need < cap ? need : mncr_utf8_cut(buf, cap - 1)] = '\0';
}

int mncr_msg_format_text(const char *text, const int *params, size_t n,
			 char *buf, size_t cap)
{
	size_t need = 0;

	if (!text || (n && !params) || (cap && !buf) || n > MNCR_MSG_PARAMS)
		return -EINVAL;
	for (const char *p = text; *p; ) {
		if (p[0] == '{' && p[1] >= '0' && p[1] <= '9' && p[2] == '}' &&
		    (size_t)(p[1] - '0') < n) {
			char num[16];
			int len = snprintf(num, sizeof(num), "%d", params[p[1] - '0']);

			put(buf, cap, &need, num, (size_t)len);
			p += 3;
			continue;
		}
		put(buf, cap, &need, p, 1);
		p++;
	}
	if (cap)
		terminate(buf, cap, need);
	return need > (size_t)0x7fffffff ? -EOVERFLOW : (int)need;
}

int mncr_msg_format(enum mncr_msg id, const int *params, size_t n, char *buf,
		    size_t cap)
{
	if (!def(id))
		return -EINVAL;
	return mncr_msg_format_text(mncr_msg_text(id), params, n, buf, cap);
}
