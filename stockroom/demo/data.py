"""The demo organization's data: who logs in, and the catalog, partners and places it holds.

Plain rows, so the seeding code in `stockroom.demo.seeding` reads as what it does with them.
"""

from stockroom.accounts.roles import Role
from stockroom.catalog.models import UnitOfMeasure

DEMO_ORGANIZATION = "Demo Trading Co."
DEMO_SLUG = "demo-trading"
DEMO_PASSWORD = "stockroom-demo"  # noqa: S105 - documented demo credential, printed on purpose
DEMO_USERS = [
    ("owner@demo.stockroom.dev", "Olivia Owner", Role.OWNER),
    ("manager@demo.stockroom.dev", "Manuel Manager", Role.MANAGER),
    ("clerk@demo.stockroom.dev", "Clara Clerk", Role.CLERK),
    ("viewer@demo.stockroom.dev", "Victor Viewer", Role.VIEWER),
]

EACH, BOX, PACK, KG, LITRE, METRE = (
    UnitOfMeasure.EACH,
    UnitOfMeasure.BOX,
    UnitOfMeasure.PACK,
    UnitOfMeasure.KILOGRAM,
    UnitOfMeasure.LITRE,
    UnitOfMeasure.METRE,
)

CATEGORIES = {
    "Hardware": ["Fasteners", "Hand tools", "Power tools"],
    "Electrical": ["Cables", "Lighting"],
    "Food & beverage": ["Dairy", "Baking", "Drinks"],
    "Cleaning": [],
    "Office": ["Paper", "Writing"],
}

# sku, name, category, unit, cost, sale, reorder point, lot-tracked
PRODUCTS = [
    ("FST-M6-30", "Hex bolt M6 × 30 mm, zinc", "Fasteners", BOX, "4.20", "8.90", "10", False),
    ("FST-M8-40", "Hex bolt M8 × 40 mm, zinc", "Fasteners", BOX, "6.10", "12.50", "10", False),
    ("FST-NUT-M8", "Hex nut M8, stainless", "Fasteners", BOX, "3.40", "7.20", "8", False),
    ("FST-WSH-M8", "Flat washer M8", "Fasteners", PACK, "1.15", "2.80", "20", False),
    ("FST-SCR-4x40", "Wood screw 4 × 40 mm", "Fasteners", BOX, "5.60", "11.90", "12", False),
    ("FST-ANC-8", "Wall anchor 8 mm", "Fasteners", PACK, "2.05", "4.90", "15", False),
    ("TL-HAM-16", "Claw hammer 16 oz", "Hand tools", EACH, "9.80", "19.90", "5", False),
    ("TL-SCR-SET6", "Screwdriver set, 6 pieces", "Hand tools", EACH, "12.40", "24.90", "4", False),
    ("TL-TAPE-5", "Measuring tape 5 m", "Hand tools", EACH, "4.75", "9.90", "6", False),
    ("TL-PLR-8", "Combination pliers 8 in", "Hand tools", EACH, "7.30", "15.50", "4", False),
    ("TL-LVL-60", "Spirit level 60 cm", "Hand tools", EACH, "8.90", "17.90", "3", False),
    ("PT-DRL-18V", "Cordless drill 18 V", "Power tools", EACH, "64.00", "119.00", "2", False),
    ("PT-BAT-18V", "Battery pack 18 V 4 Ah", "Power tools", EACH, "38.50", "69.00", "3", False),
    ("PT-SAW-CIRC", "Circular saw 1400 W", "Power tools", EACH, "72.00", "139.00", "1", False),
    ("EL-CBL-2.5", "Installation cable 3G2.5", "Cables", METRE, "0.92", "1.85", "100", False),
    ("EL-CBL-1.5", "Installation cable 3G1.5", "Cables", METRE, "0.61", "1.25", "100", False),
    ("EL-EXT-10", "Extension lead 10 m", "Cables", EACH, "11.20", "21.90", "5", False),
    ("EL-LED-E27", "LED bulb E27 9 W warm white", "Lighting", PACK, "5.40", "10.90", "12", False),
    ("EL-LED-GU10", "LED spot GU10 5 W", "Lighting", PACK, "6.10", "12.90", "10", False),
    ("EL-TORCH", "Rechargeable torch", "Lighting", EACH, "9.10", "18.50", "4", False),
    ("FB-MLK-1L", "Whole milk 1 l", "Dairy", EACH, "0.68", "1.29", "48", True),
    ("FB-YOG-500", "Greek yoghurt 500 g", "Dairy", EACH, "1.35", "2.49", "24", True),
    ("FB-BTR-250", "Butter 250 g", "Dairy", EACH, "1.90", "3.29", "24", True),
    ("FB-CHS-GOU", "Gouda cheese", "Dairy", KG, "7.80", "13.90", "5", True),
    ("FB-FLR-T55", "Wheat flour T55", "Baking", KG, "0.52", "1.10", "50", True),
    ("FB-SUG-W", "White sugar", "Baking", KG, "0.74", "1.45", "40", True),
    ("FB-YST-DRY", "Dry yeast 7 g sachets", "Baking", PACK, "1.05", "2.20", "20", True),
    ("FB-OIL-SUN", "Sunflower oil", "Baking", LITRE, "1.60", "2.95", "30", True),
    ("FB-WTR-1.5", "Mineral water 1.5 l", "Drinks", PACK, "1.80", "3.60", "30", True),
    ("FB-JCE-ORG", "Orange juice 1 l", "Drinks", EACH, "1.10", "2.15", "24", True),
    ("FB-COF-BNS", "Coffee beans, medium roast", "Drinks", KG, "11.50", "21.00", "6", True),
    ("CL-DET-5L", "Floor detergent 5 l", "Cleaning", EACH, "6.90", "12.90", "6", False),
    ("CL-GLV-M", "Nitrile gloves, size M", "Cleaning", BOX, "4.30", "8.50", "10", False),
    ("CL-SPG-10", "Scouring sponges, 10 pack", "Cleaning", PACK, "1.40", "2.95", "15", False),
    ("CL-BAG-60L", "Refuse sacks 60 l", "Cleaning", PACK, "2.10", "4.25", "15", False),
    ("OF-PPR-A4", "Copy paper A4 80 g, 500 sheets", "Paper", PACK, "3.20", "5.90", "25", False),
    ("OF-NTB-A5", "Notebook A5, ruled", "Paper", EACH, "1.15", "2.60", "20", False),
    ("OF-PEN-BLU", "Ballpoint pen, blue", "Writing", BOX, "3.60", "7.50", "8", False),
    ("OF-MRK-SET", "Whiteboard markers, 4 colours", "Writing", PACK, "2.70", "5.80", "8", False),
    ("OF-STP-26", "Staples 26/6", "Writing", BOX, "0.85", "1.90", "10", False),
]

SUPPLIERS = [
    ("Nordic Fastening AB", "Eva Lind", "orders@nordicfastening.example", ["Fasteners"]),
    ("ToolPro Distribution", "Mark Hale", "sales@toolpro.example", ["Hand tools", "Power tools"]),
    ("Brightline Electric", "Priya Nair", "trade@brightline.example", ["Cables", "Lighting"]),
    ("Valley Fresh Foods", "Tom Becker", "b2b@valleyfresh.example", ["Dairy", "Baking", "Drinks"]),
    (
        "OfficeWorks Supply",
        "Ana Ruiz",
        "orders@officeworks.example",
        ["Paper", "Writing", "Cleaning"],
    ),
]

CUSTOMERS = [
    ("Harbor Street Café", "Lena Ortiz", "accounts@harborcafe.example"),
    ("Greenfield Builders", "Sam Okafor", "purchasing@greenfield.example"),
    ("Maple Leaf Bakery", "Julia Chen", "orders@mapleleafbakery.example"),
    ("Riverside Property Management", "Omar Haddad", "maintenance@riverside.example"),
    ("Northgate School", "Helen Park", "office@northgate.example"),
    ("City Electricians Co-op", "Piotr Nowak", "stores@cityelec.example"),
    ("Sunrise Hotel", "Maria Rossi", "housekeeping@sunrisehotel.example"),
    ("Blue Door Restaurant", "Kwame Mensah", "kitchen@bluedoor.example"),
]

WAREHOUSES = [
    ("MAIN", "Main warehouse", "12 Dock Road, Portside"),
    ("NORTH", "North depot", "4 Mill Lane, Northfield"),
]
AISLES = ["A", "B", "C"]
BINS_PER_AISLE = 6
