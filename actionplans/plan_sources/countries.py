"""English short names (as the UN and CMS write them) of the countries the plans name, by ISO code."""

COUNTRY_NAMES = {
    "AF": "Afghanistan",
    "AM": "Armenia",
    "AZ": "Azerbaijan",
    "BT": "Bhutan",
    "CN": "China",
    "GE": "Georgia",
    "IN": "India",
    "IQ": "Iraq",
    "IR": "Iran (Islamic Republic of)",
    "KG": "Kyrgyzstan",
    "KZ": "Kazakhstan",
    "MN": "Mongolia",
    "NP": "Nepal",
    "PK": "Pakistan",
    "RU": "Russian Federation",
    "TJ": "Tajikistan",
    "TM": "Turkmenistan",
    "TR": "Türkiye",
    "UZ": "Uzbekistan",
}
