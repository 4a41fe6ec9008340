"""Synthetic Kenyan names: plausible given and family names of several communities, and the
counties where each community mostly lives, with Kenya's 2019 census populations (KNBS) by county.

Every person the generator makes is invented: names are drawn at random and combined, so no real
person is described.
"""

from __future__ import annotations

import random

# County code -> population in thousands (KNBS, 2019 Kenya Population and Housing Census).
COUNTY_POPULATION: dict[str, int] = {
    "001": 1208, "002": 867, "003": 1454, "004": 316, "005": 144, "006": 341, "007": 841, "008": 781,
    "009": 867, "010": 460, "011": 268, "012": 1546, "013": 393, "014": 609, "015": 1136, "016": 1422,
    "017": 988, "018": 638, "019": 759, "020": 610, "021": 1057, "022": 2418, "023": 926, "024": 621,
    "025": 310, "026": 991, "027": 1163, "028": 454, "029": 886, "030": 667, "031": 518, "032": 2162,
    "033": 1158, "034": 1118, "035": 902, "036": 876, "037": 1868, "038": 591, "039": 1671, "040": 894,
    "041": 993, "042": 1156, "043": 1132, "044": 1116, "045": 1266, "046": 605, "047": 4397,
}  # fmt: skip

# Given names (female, male) and family names by community.
COMMUNITIES: dict[str, dict[str, list[str]]] = {
    "kikuyu": {
        "female": ["Wanjiku", "Wanjiru", "Njeri", "Wambui", "Nyambura", "Wairimu", "Wangari", "Muthoni", "Njoki",
                   "Wanjira", "Waithera", "Nyokabi", "Wangui", "Wacera", "Wamaitha", "Gathoni", "Mumbi"],
        "male": ["Kamau", "Mwangi", "Njoroge", "Kariuki", "Maina", "Githinji", "Ngugi", "Kimani", "Macharia",
                 "Wainaina", "Gitau", "Muriuki", "Ndungu", "Waweru", "Kinyua", "Mbugua", "Karanja"],
        "family": ["Kamau", "Mwangi", "Njoroge", "Kariuki", "Maina", "Githinji", "Ngugi", "Kimani", "Macharia",
                   "Wainaina", "Gitau", "Muriuki", "Ndungu", "Waweru", "Kinyua", "Mbugua", "Karanja", "Nganga",
                   "Gachanja", "Kibe", "Muchiri", "Njuguna", "Thuku", "Wachira"],
    },
    "luo": {
        "female": ["Achieng", "Akinyi", "Atieno", "Adhiambo", "Awuor", "Anyango", "Auma", "Apiyo", "Akoth",
                   "Aoko", "Amondi", "Adongo", "Awino", "Nyambok", "Aluoch"],
        "male": ["Otieno", "Ochieng", "Odhiambo", "Onyango", "Omondi", "Owino", "Ouma", "Okoth", "Oduor",
                 "Opiyo", "Odongo", "Juma", "Otiende", "Okello", "Obuya"],
        "family": ["Otieno", "Ochieng", "Odhiambo", "Onyango", "Omondi", "Owino", "Ouma", "Okoth", "Oduor",
                   "Opiyo", "Odongo", "Obiero", "Oketch", "Agola", "Nyamweya", "Ogola", "Wasonga", "Oloo"],
    },
    "luhya": {
        "female": ["Nafula", "Nasimiyu", "Nekesa", "Naliaka", "Khadija", "Makokha", "Nanjala", "Wanjala",
                   "Kavochi", "Mmbone", "Nabwire", "Atsieno", "Khasoa", "Namalwa"],
        "male": ["Wafula", "Wanyama", "Barasa", "Simiyu", "Wekesa", "Masinde", "Makokha", "Wanjala", "Khaemba",
                 "Shikuku", "Mukhwana", "Lusweti", "Nyongesa", "Mulama"],
        "family": ["Wafula", "Wanyama", "Barasa", "Simiyu", "Wekesa", "Masinde", "Makokha", "Wanjala", "Khaemba",
                   "Shikuku", "Mukhwana", "Lusweti", "Nyongesa", "Mulama", "Okumu", "Wamalwa", "Namwamba",
                   "Khisa", "Mutoka"],
    },
    "kalenjin": {
        "female": ["Chepkoech", "Jepkosgei", "Chebet", "Jeptoo", "Chepngetich", "Jerotich", "Chelangat",
                   "Cheruiyot", "Jelimo", "Chemutai", "Jepchirchir", "Chepkemoi", "Cherono"],
        "male": ["Kiprono", "Kipchoge", "Kibet", "Kiptoo", "Kipkemboi", "Cheruiyot", "Rotich", "Kiplagat",
                 "Kipruto", "Koech", "Langat", "Kirui", "Kosgei", "Bett"],
        "family": ["Rotich", "Koech", "Langat", "Kirui", "Kosgei", "Bett", "Cheruiyot", "Kiplagat", "Ruto",
                   "Tanui", "Sang", "Kiprop", "Mutai", "Ngetich", "Kemboi", "Keter", "Chirchir"],
    },
    "kamba": {
        "female": ["Mwikali", "Ndinda", "Mutheu", "Mwende", "Kavata", "Nduku", "Syokau", "Katunge", "Mueni",
                   "Kanini", "Mumbua", "Ndunge", "Kalondu"],
        "male": ["Mutua", "Musyoka", "Kioko", "Mutiso", "Muema", "Kilonzo", "Mwendwa", "Nzioka", "Munyao",
                 "Kyalo", "Mulwa", "Wambua", "Kitheka"],
        "family": ["Mutua", "Musyoka", "Kioko", "Mutiso", "Muema", "Kilonzo", "Nzioka", "Munyao", "Kyalo",
                   "Mulwa", "Wambua", "Kitheka", "Makau", "Ndambuki", "Mbithi", "Nzomo", "Kiilu"],
    },
    "kisii": {
        "female": ["Kemunto", "Moraa", "Kwamboka", "Nyaboke", "Bosibori", "Kerubo", "Nyanchama", "Kemuma",
                   "Mokeira", "Nyamoita", "Bochere"],
        "male": ["Onchieku", "Nyakundi", "Ombati", "Omwenga", "Mogaka", "Nyangau", "Ongeri", "Mokaya",
                 "Onsongo", "Momanyi", "Osoro"],
        "family": ["Nyakundi", "Ombati", "Omwenga", "Mogaka", "Nyangau", "Ongeri", "Mokaya", "Onsongo",
                   "Momanyi", "Osoro", "Obiri", "Makori", "Ondieki", "Nyamweya", "Matara"],
    },
    "meru": {
        "female": ["Kawira", "Nkatha", "Kendi", "Gacheri", "Makena", "Karimi", "Kagendo", "Mwari", "Kathure",
                   "Nkirote", "Gatwiri"],
        "male": ["Mutwiri", "Murithi", "Kirimi", "Mugambi", "Gitonga", "Mwiti", "Kimathi", "Muthomi", "Koome",
                 "Munene", "Kaburu"],
        "family": ["Mutwiri", "Murithi", "Kirimi", "Mugambi", "Gitonga", "Mwiti", "Kimathi", "Muthomi",
                   "Koome", "Munene", "Kaburu", "Njagi", "Nyaga", "Ireri", "Mbogo"],
    },
    "coast": {
        "female": ["Kadzo", "Kahindi", "Sidi", "Dama", "Mapenzi", "Rehema", "Zawadi", "Mwanajuma", "Fatuma",
                   "Tumaini", "Mejumaa", "Kache"],
        "male": ["Baya", "Charo", "Kazungu", "Katana", "Karisa", "Kahindi", "Mwachiro", "Ngala", "Chengo",
                 "Kenga", "Mramba", "Tsuma"],
        "family": ["Baya", "Charo", "Kazungu", "Katana", "Karisa", "Kahindi", "Mwachiro", "Ngala", "Chengo",
                   "Kenga", "Mramba", "Tsuma", "Mwadime", "Mwakio", "Kalama", "Shauri"],
    },
    "somali": {
        "female": ["Amina", "Fatuma", "Halima", "Hawa", "Sahra", "Ubah", "Deka", "Maryan", "Asha", "Hodan",
                   "Nasra", "Ifrah"],
        "male": ["Abdi", "Mohamed", "Hassan", "Ibrahim", "Ahmed", "Yusuf", "Abdullahi", "Omar", "Ali", "Aden",
                 "Farah", "Hussein"],
        "family": ["Abdi", "Mohamed", "Hassan", "Ibrahim", "Ahmed", "Yusuf", "Abdullahi", "Omar", "Ali",
                   "Aden", "Farah", "Hussein", "Gedi", "Osman", "Noor", "Dahir", "Guyo", "Boru"],
    },
    "turkana": {
        "female": ["Akai", "Akiru", "Nakiru", "Ekiru", "Lokaala", "Akoru", "Naliaka", "Nasike", "Akuom",
                   "Ayanae", "Ngasike"],
        "male": ["Ekai", "Lokiru", "Ekiru", "Lomuria", "Ewoi", "Lokwawi", "Emuria", "Lopeyok", "Eregae",
                 "Lotukoi", "Ekidor"],
        "family": ["Ekai", "Lokiru", "Ekiru", "Lomuria", "Ewoi", "Lokwawi", "Emuria", "Lopeyok", "Eregae",
                   "Lotukoi", "Ekidor", "Nakwawi", "Lokol", "Ebei", "Akwawi"],
    },
    "maasai": {
        "female": ["Naserian", "Nashipae", "Nalangu", "Naisimoi", "Sintamei", "Resian", "Noonkipa",
                   "Nasieku", "Nkoitiko", "Seleina"],
        "male": ["Lemayian", "Sankale", "Saitoti", "Kasaine", "Parsimei", "Lekishon", "Meshack", "Lenku",
                 "Kuntai", "Nkoitoi"],
        "family": ["Lemayian", "Sankale", "Saitoti", "Kasaine", "Parsimei", "Lekishon", "Lenku", "Sironka",
                   "Tiampati", "Kores", "Lesiamon", "Lekuton"],
    },
}  # fmt: skip

# Names given across communities (Christian, Muslim, Swahili), often as the first name.
COMMON = {
    "female": ["Mary", "Faith", "Mercy", "Grace", "Esther", "Joy", "Purity", "Ann", "Caroline", "Sharon",
               "Brenda", "Cynthia", "Diana", "Elizabeth", "Lucy", "Rose", "Sarah", "Winnie", "Beatrice",
               "Imani", "Neema", "Baraka", "Zawadi", "Amani", "Halima", "Miriam", "Agnes", "Janet"],
    "male": ["John", "Joseph", "Peter", "James", "David", "Brian", "Kevin", "Dennis", "Samuel", "Daniel",
             "Stephen", "Collins", "Emmanuel", "Victor", "Felix", "George", "Paul", "Moses", "Francis",
             "Baraka", "Amani", "Juma", "Hamisi", "Musa", "Erick", "Ian", "Allan", "Evans"],
}  # fmt: skip

# Community mix by county code (weights). Counties not listed are mixed.
COUNTY_COMMUNITIES: dict[str, dict[str, int]] = {
    **{c: {"coast": 8, "kamba": 1, "luo": 1} for c in ("001", "002", "003", "004", "005", "006")},
    **{c: {"somali": 10} for c in ("007", "008", "009")},
    **{c: {"somali": 6, "turkana": 2, "meru": 2} for c in ("010", "011")},
    **{c: {"meru": 9, "kikuyu": 1} for c in ("012", "013", "014")},
    **{c: {"kamba": 9, "kikuyu": 1} for c in ("015", "016", "017")},
    **{c: {"kikuyu": 9, "kalenjin": 1} for c in ("018", "019", "020", "021", "022")},
    "023": {"turkana": 10},
    "024": {"kalenjin": 9, "turkana": 1},
    "025": {"maasai": 8, "turkana": 2},
    "026": {"luhya": 6, "kalenjin": 3, "kikuyu": 1},
    **{c: {"kalenjin": 8, "kikuyu": 1, "luhya": 1} for c in ("027", "028", "029", "030", "035", "036")},
    "031": {"kikuyu": 7, "maasai": 2, "meru": 1},
    "032": {"kikuyu": 5, "kalenjin": 4, "luhya": 1},
    **{c: {"maasai": 7, "kikuyu": 2, "kamba": 1} for c in ("033", "034")},
    **{c: {"luhya": 9, "luo": 1} for c in ("037", "038", "039", "040")},
    **{c: {"luo": 9, "luhya": 1} for c in ("041", "042", "043", "044")},
    **{c: {"kisii": 9, "luo": 1} for c in ("045", "046")},
    "047": {"kikuyu": 4, "luo": 2, "luhya": 2, "kamba": 2, "kisii": 1, "kalenjin": 1, "somali": 1, "coast": 1},
}


def community_for(rng: random.Random, county_code: str) -> str:
    mix = COUNTY_COMMUNITIES.get(county_code) or {c: 1 for c in COMMUNITIES}
    return rng.choices(list(mix), weights=list(mix.values()))[0]


def given_name(rng: random.Random, community: str, sex: str) -> str:
    pool = "female" if sex == "female" else "male"
    if rng.random() < 0.45:
        return rng.choice(COMMON[pool])
    return rng.choice(COMMUNITIES[community][pool])


def family_name(rng: random.Random, community: str) -> str:
    return rng.choice(COMMUNITIES[community]["family"])


_VOWEL_SWAPS = {"u": "o", "o": "u", "i": "e", "e": "i", "a": "e"}


def misspell(rng: random.Random, name: str) -> str:
    """One plausible spelling slip: a vowel, a doubled or dropped letter, r/l, an h after d or t."""
    if len(name) < 4:
        return name
    word = name
    choice = rng.randrange(6)
    if choice == 0 and word[-1].lower() in _VOWEL_SWAPS:
        word = word[:-1] + _VOWEL_SWAPS[word[-1].lower()]
    elif choice == 1:
        i = rng.randrange(1, len(word) - 1)
        word = word[:i] + word[i] + word[i:]
    elif choice == 2:
        i = rng.randrange(1, len(word) - 1)
        word = word[:i] + word[i + 1 :]
    elif choice == 3 and ("r" in word[1:] or "l" in word[1:]):
        word = word[0] + word[1:].replace("r", "#").replace("l", "r").replace("#", "l")
    elif choice == 4 and ("dh" in word or "th" in word):
        word = word.replace("dh", "d").replace("th", "t")
    else:
        i = rng.randrange(1, len(word) - 1)
        word = word[:i] + word[i + 1] + word[i] + word[i + 2 :] if i + 1 < len(word) else word
    return word


_CONSONANT_SLIPS = {"r": "l", "l": "r", "k": "g", "g": "k", "t": "d", "d": "t", "b": "p", "p": "b"}


def one_edit(rng: random.Random, name: str) -> str:
    """The name with exactly one slip (one letter changed, added, dropped or two swapped), never in
    the first letter: what a search for a misspelled name types. Names under 4 letters are kept."""
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    kind = rng.randrange(4)
    if kind == 0:  # a vowel or a sound-alike consonant written differently
        ch = name[i].lower()
        swap = _VOWEL_SWAPS.get(ch) or _CONSONANT_SLIPS.get(ch) or ("a" if ch != "a" else "e")
        return name[:i] + swap + name[i + 1 :]
    if kind == 1:  # a doubled letter
        return name[:i] + name[i] + name[i:]
    if kind == 2:  # a dropped letter
        return name[:i] + name[i + 1 :]
    if name[i] == name[i + 1]:  # two letters swapped (a no-op on a double: drop one instead)
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
