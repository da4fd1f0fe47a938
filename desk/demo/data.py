"""The demo city's data as plain Python structures: a city like 藤沢市 (Fujisawa).

Addresses, phone numbers and people are made up to look real; e-mail addresses use the
reserved `.example` top-level domain. desk.demo.load turns this into rows through the
services.
"""

EMAIL_DOMAIN = "city.fujisawa.example"

# 地区: (name, kana, English name), in the city's usual order. English names are
# romanised as the city's signs write them (Hepburn, long vowels without macrons).
DISTRICTS = [
    ("片瀬", "カタセ", "Katase"),
    ("鵠沼", "クゲヌマ", "Kugenuma"),
    ("辻堂", "ツジドウ", "Tsujido"),
    ("村岡", "ムラオカ", "Muraoka"),
    ("藤沢", "フジサワ", "Fujisawa"),
    ("明治", "メイジ", "Meiji"),
    ("善行", "ゼンギョウ", "Zengyo"),
    ("湘南大庭", "ショウナンオオバ", "Shonan-Oba"),
    ("六会", "ムツアイ", "Mutsuai"),
    ("湘南台", "ショウナンダイ", "Shonandai"),
    ("遠藤", "エンドウ", "Endo"),
    ("長後", "チョウゴ", "Chogo"),
    ("御所見", "ゴショミ", "Goshomi"),
]

_LIFT = "エレベーターあり・車いす用トイレあり"
_LIFT_EN = "Lift; wheelchair-accessible toilet"

# Community centres. `classes` are the monthly class patterns held there (RRULE BYDAY
# value, local start and end time); `consultation` is the walk-in desk's pattern (BYDAY,
# start, end, and the months it runs in, None for every month), or None for no regular
# desk: 6 monthly desks and 2 quarterly ones give about 80 consultation sessions a year.
VENUES = [
    {
        "key": "katase",
        "name": "片瀬市民センター",
        "name_kana": "カタセシミンセンター",
        "short_name": "片瀬センター",
        "name_en": "Katase Citizen Center",
        "short_name_en": "Katase Center",
        "address": "神奈川県藤沢市片瀬3-9-6",
        "district": "片瀬",
        "phone": "0466-26-2831",
        "accessibility_notes": _LIFT + "・駐車場は台数に限りがあります",
        "accessibility_notes_en": _LIFT_EN + "; limited parking",
        "default_capacity": 20,
        "latitude": 35.318400,
        "longitude": 139.483100,
        "classes": [("2TU", "10:00", "11:30")],
        "consultation": ("3TH", "13:30", "16:00", None),
    },
    {
        "key": "kugenuma",
        "name": "鵠沼市民センター",
        "name_kana": "クゲヌマシミンセンター",
        "short_name": "鵠沼センター",
        "name_en": "Kugenuma Citizen Center",
        "short_name_en": "Kugenuma Center",
        "address": "神奈川県藤沢市鵠沼東8-1",
        "district": "鵠沼",
        "phone": "0466-22-3111",
        "accessibility_notes": _LIFT + "・補聴器用の磁気ループあり",
        "accessibility_notes_en": _LIFT_EN + "; hearing loop for hearing aids",
        "default_capacity": 24,
        "latitude": 35.330200,
        "longitude": 139.474600,
        "classes": [("1WE", "10:00", "11:30"), ("3FR", "14:00", "15:30")],
        "consultation": ("1SA", "10:00", "12:30", None),
    },
    {
        "key": "tsujido",
        "name": "辻堂市民センター",
        "name_kana": "ツジドウシミンセンター",
        "short_name": "辻堂センター",
        "name_en": "Tsujido Citizen Center",
        "short_name_en": "Tsujido Center",
        "address": "神奈川県藤沢市辻堂東海岸1-1-41",
        "district": "辻堂",
        "phone": "0466-34-4511",
        "accessibility_notes": _LIFT + "・入口にスロープあり",
        "accessibility_notes_en": _LIFT_EN + "; ramp at the entrance",
        "default_capacity": 20,
        "latitude": 35.333100,
        "longitude": 139.447800,
        "classes": [("2TH", "10:00", "11:30"), ("4TU", "13:30", "15:00")],
        "consultation": ("2MO", "13:30", "16:00", None),
    },
    {
        "key": "muraoka",
        "name": "村岡公民館",
        "name_kana": "ムラオカコウミンカン",
        "short_name": "村岡公民館",
        "name_en": "Muraoka Community Hall",
        "short_name_en": "Muraoka Hall",
        "address": "神奈川県藤沢市村岡東1-7-2",
        "district": "村岡",
        "phone": "0466-22-4211",
        "accessibility_notes": "会場は2階です（エレベーターなし、階段に手すりあり）・"
                               "車いす用トイレは1階にあります",
        "accessibility_notes_en": ("The room is on the 2nd floor (no lift; stairs with handrails); "
                                  "wheelchair-accessible toilet on the ground floor"),
        "default_capacity": 16,
        "latitude": 35.344800,
        "longitude": 139.506300,
        "classes": [("1FR", "10:00", "11:30")],
        "consultation": None,
    },
    {
        "key": "fujisawa",
        "name": "藤沢公民館",
        "name_kana": "フジサワコウミンカン",
        "short_name": "藤沢公民館",
        "name_en": "Fujisawa Community Hall",
        "short_name_en": "Fujisawa Hall",
        "address": "神奈川県藤沢市藤沢1-3-8",
        "district": "藤沢",
        "phone": "0466-22-3621",
        "accessibility_notes": _LIFT + "・藤沢駅から徒歩10分",
        "accessibility_notes_en": _LIFT_EN + "; 10 minutes' walk from Fujisawa Station",
        "default_capacity": 30,
        "latitude": 35.349700,
        "longitude": 139.487400,
        "classes": [("2WE", "10:00", "11:30"), ("4WE", "14:00", "15:30")],
        "consultation": ("4TH", "13:30", "16:00", None),
    },
    {
        "key": "meiji",
        "name": "明治市民センター",
        "name_kana": "メイジシミンセンター",
        "short_name": "明治センター",
        "name_en": "Meiji Citizen Center",
        "short_name_en": "Meiji Center",
        "address": "神奈川県藤沢市羽鳥1-5-10",
        "district": "明治",
        "phone": "0466-36-2521",
        "accessibility_notes": _LIFT,
        "accessibility_notes_en": _LIFT_EN,
        "default_capacity": 18,
        "latitude": 35.345900,
        "longitude": 139.438300,
        "classes": [("3TU", "10:00", "11:30")],
        "consultation": ("2SA", "10:00", "12:30", (5, 8, 11, 2)),
    },
    {
        "key": "zengyo",
        "name": "善行公民館",
        "name_kana": "ゼンギョウコウミンカン",
        "short_name": "善行公民館",
        "name_en": "Zengyo Community Hall",
        "short_name_en": "Zengyo Hall",
        "address": "神奈川県藤沢市善行1-24-2",
        "district": "善行",
        "phone": "0466-81-2000",
        "accessibility_notes": "段差なし・車いす用トイレあり・駐車場なし（公共交通機関でお越しください）",
        "accessibility_notes_en": ("Step-free; wheelchair-accessible toilet; no parking (please come by "
                                  "public transport)"),
        "default_capacity": 16,
        "latitude": 35.363600,
        "longitude": 139.471200,
        "classes": [("1TH", "13:30", "15:00")],
        "consultation": None,
    },
    {
        "key": "oba",
        "name": "湘南大庭市民センター",
        "name_kana": "ショウナンオオバシミンセンター",
        "short_name": "大庭センター",
        "name_en": "Shonan-Oba Citizen Center",
        "short_name_en": "Shonan-Oba Center",
        "address": "神奈川県藤沢市大庭5061-5",
        "district": "湘南大庭",
        "phone": "0466-87-1711",
        "accessibility_notes": _LIFT + "・駐車場あり",
        "accessibility_notes_en": _LIFT_EN + "; parking",
        "default_capacity": 20,
        "latitude": 35.365800,
        "longitude": 139.440900,
        "classes": [("2FR", "10:00", "11:30")],
        "consultation": ("1TU", "13:30", "16:00", None),
    },
    {
        "key": "mutsuai",
        "name": "六会市民センター",
        "name_kana": "ムツアイシミンセンター",
        "short_name": "六会センター",
        "name_en": "Mutsuai Citizen Center",
        "short_name_en": "Mutsuai Center",
        "address": "神奈川県藤沢市亀井野1-14-1",
        "district": "六会",
        "phone": "0466-82-2111",
        "accessibility_notes": _LIFT + "・六会日大前駅から徒歩5分",
        "accessibility_notes_en": _LIFT_EN + "; 5 minutes' walk from Mutsuai-Nichidaimae Station",
        "default_capacity": 20,
        "latitude": 35.385300,
        "longitude": 139.464200,
        "classes": [("3WE", "10:00", "11:30")],
        "consultation": ("3SA", "10:00", "12:30", (6, 9, 12, 3)),
    },
    {
        "key": "shonandai",
        "name": "湘南台市民センター",
        "name_kana": "ショウナンダイシミンセンター",
        "short_name": "湘南台センター",
        "name_en": "Shonandai Citizen Center",
        "short_name_en": "Shonandai Center",
        "address": "神奈川県藤沢市湘南台1-8",
        "district": "湘南台",
        "phone": "0466-44-1111",
        "accessibility_notes": _LIFT + "・授乳室あり・湘南台駅から徒歩3分",
        "accessibility_notes_en": _LIFT_EN + "; nursing room; 3 minutes' walk from Shonandai Station",
        "default_capacity": 30,
        "latitude": 35.396500,
        "longitude": 139.466600,
        "classes": [("1MO", "10:00", "11:30"), ("3MO", "14:00", "15:30")],
        "consultation": ("2WE", "13:30", "16:00", None),
    },
    {
        "key": "chogo",
        "name": "長後市民センター",
        "name_kana": "チョウゴシミンセンター",
        "short_name": "長後センター",
        "name_en": "Chogo Citizen Center",
        "short_name_en": "Chogo Center",
        "address": "神奈川県藤沢市長後513",
        "district": "長後",
        "phone": "0466-45-1500",
        "accessibility_notes": _LIFT + "・駐車場あり",
        "accessibility_notes_en": _LIFT_EN + "; parking",
        "default_capacity": 18,
        "latitude": 35.410100,
        "longitude": 139.456000,
        "classes": [("4TH", "10:00", "11:30")],
        "consultation": None,
    },
    {
        "key": "goshomi",
        "name": "御所見市民センター",
        "name_kana": "ゴショミシミンセンター",
        "short_name": "御所見C",
        "name_en": "Goshomi Citizen Center",
        "short_name_en": "Goshomi Center",
        "address": "神奈川県藤沢市用田584-1",
        "district": "御所見",
        "phone": "0466-48-1911",
        "accessibility_notes": "段差なし・車いす用トイレあり・駐車場あり（バスの本数が少ないため"
                               "お車での来場も可）",
        "accessibility_notes_en": ("Step-free; wheelchair-accessible toilet; parking (buses are few, "
                                  "so you may come by car)"),
        "default_capacity": 12,
        "latitude": 35.397400,
        "longitude": 139.415300,
        "classes": [("4MO", "10:00", "11:30")],
        "consultation": None,
    },
]

_BRING = "お持ちのスマートフォン（お持ちでない方には貸出用のスマホがあります）、筆記用具"
_BRING_MY_NUMBER = ("マイナンバーカード、カードを受け取ったときに決めた暗証番号（4けたの数字）、"
                    "お持ちのスマートフォン")
_BRING_EN = "Your smartphone (we lend one if you have none), something to write with"
_BRING_MY_NUMBER_EN = ("Your My Number card, the PIN you chose when you received it "
                       "(4 digits), your smartphone")

# The national curriculum (デジタル活用支援 講座): key -> program fields.
PROGRAMS = [
    {
        "key": "basics",
        "title": "はじめてのスマホ",
        "title_kana": "ハジメテノスマホ",
        "title_en": "Your first smartphone",
        "description": "スマホの電源の入れ方・切り方、ボタンと画面の使い方、文字の大きさの"
                       "変え方をゆっくり練習します。はじめての方でも大丈夫です。",
        "description_en": "Practise slowly how to turn the phone on and off, use its buttons and "
                          "screen, and make the text bigger. Complete beginners are welcome.",
        "topic": "basics", "level": "beginner", "device": "any",
        "default_duration_minutes": 90, "what_to_bring": _BRING,
        "what_to_bring_en": _BRING_EN,
    },
    {
        "key": "basics_iphone",
        "title": "はじめてのスマホ（iPhone編）",
        "title_kana": "ハジメテノスマホ アイフォーンヘン",
        "title_en": "Your first smartphone (iPhone)",
        "description": "iPhoneをお使いの方のための入門講座です。ホーム画面、設定、"
                       "アプリの開き方と閉じ方を練習します。",
        "description_en": "A first class for iPhone users: the home screen, the settings, and how"
                          " to open and close apps.",
        "topic": "basics", "level": "beginner", "device": "iphone",
        "default_duration_minutes": 90, "what_to_bring": _BRING,
        "what_to_bring_en": _BRING_EN,
    },
    {
        "key": "basics_android",
        "title": "はじめてのスマホ（Android編）",
        "title_kana": "ハジメテノスマホ アンドロイドヘン",
        "title_en": "Your first smartphone (Android)",
        "description": "Androidのスマホをお使いの方のための入門講座です。ホーム画面、設定、"
                       "アプリの開き方と閉じ方を練習します。",
        "description_en": "A first class for users of an Android smartphone: the home screen, the"
                          " settings, and how to open and close apps.",
        "topic": "basics", "level": "beginner", "device": "android",
        "default_duration_minutes": 90, "what_to_bring": _BRING,
        "what_to_bring_en": _BRING_EN,
    },
    {
        "key": "calls_camera",
        "title": "電話とカメラを使ってみよう",
        "title_kana": "デンワトカメラヲツカッテミヨウ",
        "title_en": "Calls and the camera",
        "description": "電話のかけ方・受け方、連絡先の登録、写真の撮り方と見方を練習します。",
        "description_en": "Practise making and answering calls, saving contacts, and taking and "
                          "viewing photos.",
        "topic": "calls_camera", "level": "beginner", "device": "any",
        "default_duration_minutes": 90, "what_to_bring": _BRING,
        "what_to_bring_en": _BRING_EN,
    },
    {
        "key": "internet",
        "title": "インターネットで調べてみよう",
        "title_kana": "インターネットデシラベテミヨウ",
        "title_en": "Searching the internet",
        "description": "天気やバスの時刻、市役所のお知らせなどを、文字や声で調べる方法を"
                       "練習します。",
        "description_en": "Practise looking up the weather, bus times and the city's news, by "
                          "typing or by voice.",
        "topic": "internet", "level": "beginner", "device": "any",
        "default_duration_minutes": 90, "what_to_bring": _BRING,
        "what_to_bring_en": _BRING_EN,
    },
    {
        "key": "maps",
        "title": "地図アプリで道案内",
        "title_kana": "チズアプリデミチアンナイ",
        "title_en": "Finding your way with a map app",
        "description": "地図アプリで行きたい場所を探し、道順や電車・バスの乗り換えを"
                       "調べる方法を練習します。",
        "description_en": "Practise finding a place in a map app and looking up the way there, "
                          "with train and bus changes.",
        "topic": "maps", "level": "beginner", "device": "any",
        "default_duration_minutes": 90, "what_to_bring": _BRING,
        "what_to_bring_en": _BRING_EN,
    },
    {
        "key": "line",
        "title": "LINEをはじめよう",
        "title_kana": "ラインヲハジメヨウ",
        "title_en": "Getting started with LINE",
        "description": "家族や友だちとメッセージやスタンプを送り合うアプリ「LINE」の"
                       "はじめ方と使い方を練習します。",
        "description_en": "Practise starting and using LINE, the app for sending messages and "
                          "stickers to family and friends.",
        "topic": "line", "level": "beginner", "device": "any",
        "default_duration_minutes": 90,
        "what_to_bring": _BRING + "、LINEのパスワード（お使いの方のみ）",
        "what_to_bring_en": _BRING_EN + ", your LINE password (if you use LINE)",
    },
    {
        "key": "line_video",
        "title": "LINEで写真とビデオ通話",
        "title_kana": "ラインデシャシントビデオツウワ",
        "title_en": "LINE: photos and video calls",
        "description": "LINEで写真を送る方法、グループでの会話、ビデオ通話のかけ方を"
                       "練習します。LINEを使ったことがある方向けです。",
        "description_en": "Practise sending photos on LINE, talking in groups and making video "
                          "calls. For people who have used LINE before.",
        "topic": "line", "level": "intermediate", "device": "any",
        "default_duration_minutes": 90,
        "what_to_bring": _BRING + "、LINEのパスワード",
        "what_to_bring_en": _BRING_EN + ", your LINE password",
    },
    {
        "key": "my_number",
        "title": "スマホでマイナンバーカードを申請しよう",
        "title_kana": "スマホデマイナンバーカードヲシンセイシヨウ",
        "title_en": "Applying for a My Number card with your smartphone",
        "description": "スマホで顔写真を撮り、マイナンバーカードを申請する方法を"
                       "説明します。申請書（QRコードのついた紙）があればお持ちください。",
        "description_en": "How to take your photo with your smartphone and apply for a My Number "
                          "card. Please bring the application form (the paper with a QR code) if "
                          "you have it.",
        "topic": "my_number", "level": "beginner", "device": "any",
        "default_duration_minutes": 90,
        "what_to_bring": "お持ちのスマートフォン、交付申請書（お持ちの方）",
        "what_to_bring_en": "Your smartphone, the application form (if you have it)",
    },
    {
        "key": "mynaportal",
        "title": "マイナポータルを使ってみよう",
        "title_kana": "マイナポータルヲツカッテミヨウ",
        "title_en": "Using Mynaportal",
        "description": "マイナポータルで健康保険証の利用登録や、薬や健診の情報を見る方法を"
                       "練習します。",
        "description_en": "Practise registering your card as a health insurance card in "
                          "Mynaportal and viewing your medicine and health check records.",
        "topic": "mynaportal", "level": "intermediate", "device": "any",
        "default_duration_minutes": 120, "what_to_bring": _BRING_MY_NUMBER,
        "what_to_bring_en": _BRING_MY_NUMBER_EN,
    },
    {
        "key": "cashless",
        "title": "キャッシュレス決済入門",
        "title_kana": "キャッシュレスケッサイニュウモン",
        "title_en": "Introduction to cashless payment",
        "description": "スマホでお金を払うしくみ（QRコード決済など）と、安全に使うための"
                       "注意点をお話しします。実際のお金は使いません。",
        "description_en": "How paying with a smartphone works (QR code payment and others) and "
                          "how to use it safely. No real money is used.",
        "topic": "cashless", "level": "beginner", "device": "any",
        "default_duration_minutes": 90, "what_to_bring": _BRING,
        "what_to_bring_en": _BRING_EN,
    },
    {
        "key": "scam",
        "title": "詐欺・セキュリティ対策",
        "title_kana": "サギ・セキュリティタイサク",
        "title_en": "Protecting yourself from scams",
        "description": "あやしいメールやSMS、うその警告画面の見分け方と、困ったときの"
                       "相談先をお話しします。",
        "description_en": "How to spot suspicious e-mails and SMS and fake warning screens, and "
                          "where to get help when in trouble.",
        "topic": "scam_protection", "level": "beginner", "device": "any",
        "default_duration_minutes": 90, "what_to_bring": _BRING,
        "what_to_bring_en": _BRING_EN,
    },
]

# The order in which a venue's class pattern moves through the curriculum, one
# program per half year (April-September, October-March).
CURRICULUM_ORDER = ["basics", "calls_camera", "internet", "line", "maps", "scam",
                    "basics_iphone", "basics_android", "line_video", "cashless", "my_number",
                    "mynaportal"]

CONSULTATION_TITLE = "スマホ何でも相談会"
CONSULTATION_TITLE_EN = "Smartphone help desk"
CONSULTATION_NOTES = "予約はいりません。直接会場へお越しください。おひとり20分程度です。"
CONSULTATION_NOTES_EN = ("No booking needed: just come to the venue. About 20 minutes "
                         "per person.")

# 出張講座: who asks for an outreach class (group, contact), near which venue, and the
# place it is held at (in Japanese and romanised).
OUTREACH_REQUESTS = [
    ("鵠沼海岸三丁目町内会", "会長 山田 一郎", "kugenuma", "鵠沼海岸三丁目町内会館",
     "Kugenuma-Kaigan 3-chome Neighborhood Hall"),
    ("辻堂元町老人クラブ「若葉会」", "会長 鈴木 和子", "tsujido", "辻堂元町自治会館",
     "Tsujido-Motomachi Community Hall"),
    ("特別養護老人ホーム 湘南の丘", "生活相談員 高橋 健", "oba", "湘南の丘 多目的ホール",
     "Shonan no Oka, multipurpose hall"),
    ("善行団地自治会", "副会長 田中 節子", "zengyo", "善行団地集会所",
     "Zengyo Danchi Meeting Hall"),
    ("片瀬山シニアクラブ", "世話人 伊藤 正男", "katase", "片瀬山自治会館",
     "Katase-yama Community Hall"),
    ("長後地区社会福祉協議会", "事務局 渡辺 恵子", "chogo", "長後市民センター 和室",
     "Chogo Citizen Center, Japanese-style room"),
    ("湘南台一丁目町内会", "会長 中村 博", "shonandai", "湘南台一丁目町内会館",
     "Shonandai 1-chome Neighborhood Hall"),
    ("明治地区老人クラブ連合会", "会長 小林 勝", "meiji", "明治市民センター 会議室",
     "Meiji Citizen Center, meeting room"),
    ("デイサービス ひだまり六会", "管理者 加藤 洋子", "mutsuai", "ひだまり六会 食堂",
     "Hidamari Mutsuai, dining room"),
    ("御所見地区ふれあいサロン", "代表 吉田 千代子", "goshomi", "御所見市民センター 和室",
     "Goshomi Citizen Center, Japanese-style room"),
]

# The community places among those (自治会館, a care facility's hall, a housing estate's
# meeting room): where the outreach class is held, a venue of kind community with its
# reading, short name for SMS, address and short English name (for English SMS); the others are rooms of a city
# venue (the class is at that venue).
COMMUNITY_PLACES = {
    "鵠沼海岸三丁目町内会館": ("クゲヌマカイガンサンチョウメチョウナイカイカン", "鵠沼海岸三町会館",
                      "神奈川県藤沢市鵠沼海岸3-11-7", "Kugenuma 3 Hall"),
    "辻堂元町自治会館": ("ツジドウモトマチジチカイカン", "辻堂元町会館", "神奈川県藤沢市辻堂元町4-2-18",
                 "Motomachi Hall"),
    "湘南の丘 多目的ホール": ("ショウナンノオカ タモクテキホール", "湘南の丘", "神奈川県藤沢市大庭5061-3",
                     "Shonan no Oka"),
    "善行団地集会所": ("ゼンギョウダンチシュウカイジョ", "善行団地集会所", "神奈川県藤沢市善行団地2-1",
                "Zengyo Danchi Hall"),
    "片瀬山自治会館": ("カタセヤマジチカイカン", "片瀬山会館", "神奈川県藤沢市片瀬山3-14-2",
                "Katase-yama Hall"),
    "湘南台一丁目町内会館": ("ショウナンダイイッチョウメチョウナイカイカン", "湘南台一町会館",
                    "神奈川県藤沢市湘南台1-22-5", "Shonandai 1 Hall"),
    "ひだまり六会 食堂": ("ヒダマリムツアイ ショクドウ", "ひだまり六会", "神奈川県藤沢市亀井野2-30-11",
                  "Hidamari Mutsuai"),
}

# Requests for an outreach class in the demo, each in its state: (group, kind, contact
# name, reading, phone, answer by, place, days ago received, state, decline reason).
# The one "scheduled" is held at its community place some weeks ahead.
DEMO_REQUESTS = [
    ("鵠沼海岸三丁目町内会", "neighbourhood", "山田 一郎", "ヤマダ イチロウ", "090-3821-5543", "sms",
     "鵠沼海岸三丁目町内会館", 2, "received", None),
    ("辻堂元町老人クラブ「若葉会」", "senior_club", "鈴木 和子", "スズキ カズコ", "0466-34-7720",
     "voice", "辻堂元町自治会館", 9, "arranging", None),
    ("特別養護老人ホーム 湘南の丘", "care_facility", "高橋 健", "タカハシ ケン", "0466-87-3310",
     "voice", "湘南の丘 多目的ホール", 16, "scheduled", None),
    ("デイサービス ひだまり六会", "care_facility", "加藤 洋子", "カトウ ヨウコ", "080-6612-0938",
     "sms", "ひだまり六会 食堂", 21, "declined", "dates_unavailable"),
    ("善行団地自治会", "apartment", "田中 節子", "タナカ セツコ", "070-4127-8856", "sms",
     "善行団地集会所", 1, "received", None),
]

OUTREACH_PROGRAMS = ["basics", "line", "scam", "my_number", "calls_camera", "cashless"]

# 啓発イベント per fiscal year: (month, BYDAY ordinal and weekday, start, end, venue,
# title, notes, English title, English notes).
AWARENESS_EVENTS = [
    (6, "3SA", "10:00", "15:00", "shonandai", "スマホ体験会 in 湘南台",
     "貸出用のスマホでアプリを体験できます。申し込みはいりません。",
     "Try a smartphone in Shonandai",
     "Try out apps on our loan smartphones. No need to sign up."),
    (8, "1SA", "10:00", "12:00", "fujisawa", "夏休み 親子で学ぶスマホ安全教室",
     "小学生とその保護者、祖父母の方が対象です。",
     "Summer holiday smartphone safety class for families",
     "For primary school children with their parents or grandparents."),
    (10, "4SA", "10:00", "16:00", "fujisawa", "デジタル活用フェア in 藤沢",
     "キャッシュレス決済やマイナポータルの体験コーナー、スマホ相談コーナーがあります。",
     "Digital fair in Fujisawa",
     "Try cashless payment and Mynaportal, and bring your smartphone questions to the "
     "help corner."),
    (2, "2SA", "10:00", "15:00", "tsujido", "マイナンバーカード活用体験会",
     "マイナンバーカードでできることを体験できます。カードをお持ちの方はご持参ください。",
     "Get more from your My Number card",
     "See what you can do with a My Number card. If you have yours, please bring it."),
]

# Demo accounts: (role, local part of the e-mail, display name).
ACCOUNTS = [
    ("admin", "admin", "佐藤 美咲"),
    ("coordinator", "coordinator", "高橋 直子"),
    ("coordinator", "coordinator2", "山本 健太"),
    ("volunteer", "volunteer", "中村 光子"),
    ("volunteer", "volunteer2", "小林 誠"),
    ("volunteer", "volunteer3", "加藤 由美"),
    ("volunteer", "volunteer4", "吉田 大輔"),
    ("volunteer", "volunteer5", "山口 さくら"),
    ("volunteer", "volunteer6", "松本 和夫"),
]

# Plain reasons for the few cancelled sessions.
REASON_TYPHOON = "台風接近のため"
REASON_INSPECTION = "会場点検のため"
REASON_ILLNESS = "講師の急病のため"
# a coordinator's note to the people of the next class (desk.events.session_messages)
SESSION_MESSAGE = "会場が2階の第2会議室に変わりました。マイナンバーカードをお持ちください。"
SESSION_MESSAGE_EN = "The room is now meeting room 2 on the 2nd floor. Please bring your My Number card."

# -- residents ------------------------------------------------------------------------------
# Common family names (kanji, kana, romaji for e-mail addresses).
SURNAMES = [
    ("佐藤", "サトウ", "sato"), ("鈴木", "スズキ", "suzuki"), ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"), ("伊藤", "イトウ", "ito"), ("渡辺", "ワタナベ", "watanabe"),
    ("山本", "ヤマモト", "yamamoto"), ("中村", "ナカムラ", "nakamura"),
    ("小林", "コバヤシ", "kobayashi"), ("加藤", "カトウ", "kato"), ("吉田", "ヨシダ", "yoshida"),
    ("山田", "ヤマダ", "yamada"), ("佐々木", "ササキ", "sasaki"), ("山口", "ヤマグチ", "yamaguchi"),
    ("松本", "マツモト", "matsumoto"), ("井上", "イノウエ", "inoue"), ("木村", "キムラ", "kimura"),
    ("林", "ハヤシ", "hayashi"), ("斎藤", "サイトウ", "saito"), ("清水", "シミズ", "shimizu"),
    ("山崎", "ヤマザキ", "yamazaki"), ("森", "モリ", "mori"), ("池田", "イケダ", "ikeda"),
    ("橋本", "ハシモト", "hashimoto"), ("阿部", "アベ", "abe"), ("石川", "イシカワ", "ishikawa"),
    ("山下", "ヤマシタ", "yamashita"), ("中島", "ナカジマ", "nakajima"), ("石井", "イシイ", "ishii"),
    ("小川", "オガワ", "ogawa"), ("前田", "マエダ", "maeda"), ("岡田", "オカダ", "okada"),
    ("長谷川", "ハセガワ", "hasegawa"), ("藤田", "フジタ", "fujita"), ("後藤", "ゴトウ", "goto"),
    ("近藤", "コンドウ", "kondo"), ("村上", "ムラカミ", "murakami"), ("遠藤", "エンドウ", "endo"),
    ("青木", "アオキ", "aoki"), ("坂本", "サカモト", "sakamoto"), ("福田", "フクダ", "fukuda"),
    ("太田", "オオタ", "ota"), ("西村", "ニシムラ", "nishimura"), ("藤井", "フジイ", "fujii"),
    ("金子", "カネコ", "kaneko"), ("和田", "ワダ", "wada"), ("中山", "ナカヤマ", "nakayama"),
    ("石田", "イシダ", "ishida"), ("原", "ハラ", "hara"), ("小野", "オノ", "ono"),
]

# Given names of the generation born in the 1930s-1960s (kanji, kana, romaji).
FEMALE_NAMES = [
    ("恵子", "ケイコ", "keiko"), ("和子", "カズコ", "kazuko"), ("幸子", "サチコ", "sachiko"),
    ("節子", "セツコ", "setsuko"), ("洋子", "ヨウコ", "yoko"), ("京子", "キョウコ", "kyoko"),
    ("美代子", "ミヨコ", "miyoko"), ("久美子", "クミコ", "kumiko"), ("光子", "ミツコ", "mitsuko"),
    ("清子", "キヨコ", "kiyoko"), ("トシ子", "トシコ", "toshiko"), ("文子", "フミコ", "fumiko"),
    ("千代子", "チヨコ", "chiyoko"), ("弘子", "ヒロコ", "hiroko"), ("悦子", "エツコ", "etsuko"),
    ("正子", "マサコ", "masako"), ("芳子", "ヨシコ", "yoshiko"), ("静江", "シズエ", "shizue"),
    ("ハル", "ハル", "haru"), ("キミ", "キミ", "kimi"), ("良子", "ヨシコ", "yoshiko"),
    ("典子", "ノリコ", "noriko"), ("由美子", "ユミコ", "yumiko"), ("明美", "アケミ", "akemi"),
]
MALE_NAMES = [
    ("茂", "シゲル", "shigeru"), ("清", "キヨシ", "kiyoshi"), ("勇", "イサム", "isamu"),
    ("進", "ススム", "susumu"), ("博", "ヒロシ", "hiroshi"), ("実", "ミノル", "minoru"),
    ("弘", "ヒロシ", "hiroshi"), ("武", "タケシ", "takeshi"), ("勝", "マサル", "masaru"),
    ("正雄", "マサオ", "masao"), ("和夫", "カズオ", "kazuo"), ("一郎", "イチロウ", "ichiro"),
    ("三郎", "サブロウ", "saburo"), ("健一", "ケンイチ", "kenichi"), ("修", "オサム", "osamu"),
    ("昭", "アキラ", "akira"), ("豊", "ユタカ", "yutaka"), ("隆", "タカシ", "takashi"),
    ("義雄", "ヨシオ", "yoshio"), ("敏夫", "トシオ", "toshio"), ("秀夫", "ヒデオ", "hideo"),
    ("幸雄", "ユキオ", "yukio"), ("正", "タダシ", "tadashi"), ("哲也", "テツヤ", "tetsuya"),
]

# Foreign residents, who read their messages in English: (name, kana).
FOREIGN_RESIDENTS = [
    ("John Smith", "ジョン スミス"),
    ("Maria Santos", "マリア サントス"),
    ("Nguyen Van An", "グエン バン アン"),
]

# A family member's relation as the senior says it; care managers' offices.
FAMILY_RELATIONS = ["長女", "長男", "次女", "次男", "嫁", "孫", "妻", "夫"]
CARE_MANAGERS = [
    ("湘南ケアプランセンター 木村", "0466-26-5511"),
    ("居宅介護支援事業所 ふじさわ 森田", "0466-82-3301"),
    ("辻堂ケアマネジメント 原", "0466-33-7420"),
]

# Why staff flagged a record to look at again.
REVIEW_NOTES = [
    "電話番号が家族のものかもしれない。次回来場時に確認。",
    "お名前の漢字を電話で確認できなかった（読みのみ確認済み）。",
    "同じ方が別の読みで登録されている可能性あり。",
]

# The mobile prefixes and the city's landline exchanges (0466-XX-XXXX).
MOBILE_PREFIXES = ("090", "090", "090", "080", "080", "070")
LANDLINE_EXCHANGES = (22, 23, 25, 26, 27, 28, 33, 34, 35, 36, 41, 43, 44, 45, 46, 48, 81, 82,
                      83, 86, 87, 88)
MAIL_DOMAIN = "mail.example"
