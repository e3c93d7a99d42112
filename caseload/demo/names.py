"""Seed lists for the demo program: invented people, real-looking places around Durham, NC.

Every person here is invented. Station locations and street names are public facts used only to
make the demo look like a real Durham program; addresses built from them are invented too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Station:
    name: str
    address: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    name: str
    lat: float
    lon: float
    spread_deg: float  # standard deviation of the scatter around the centre, in degrees
    weight: float  # share of housed clients living here
    zip: str
    city: str
    streets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Site:
    """A place unsheltered clients are usually found: a camp, a shelter, a day centre."""

    kind: str  # a PlaceKind value
    label: str
    description: str
    lat: float
    lon: float


# Durham fire/EMS stations (public locations) used as crew bases.
STATIONS: tuple[Station, ...] = (
    Station("Station 1", "139 E. Morgan St", 35.996845, -78.897998),
    Station("Station 3", "822 N. Miami Blvd", 35.9909, -78.8670),
    Station("Station 4", "1818 Riddle Rd", 35.9558, -78.8897),
    Station("Station 7", "3919 N. Duke St", 36.0544, -78.9046),
)

# Approximate neighbourhood centres inside Durham County; most clients live in the urban core.
NEIGHBOURHOODS: tuple[Neighbourhood, ...] = (
    Neighbourhood(
        "Downtown",
        35.9950,
        -78.9000,
        0.004,
        0.12,
        "27701",
        "Durham",
        ("W Main St", "E Chapel Hill St", "Morgan St", "Foster St", "Rigsbee Ave"),
    ),
    Neighbourhood(
        "East Durham",
        35.9875,
        -78.8760,
        0.006,
        0.20,
        "27703",
        "Durham",
        (
            "Holloway St",
            "Angier Ave",
            "Driver St",
            "S Alston Ave",
            "Taylor St",
            "Liberty St",
            "N Hyde Park Ave",
        ),
    ),
    Neighbourhood(
        "Walltown",
        36.0140,
        -78.9180,
        0.004,
        0.10,
        "27705",
        "Durham",
        ("W Club Blvd", "Onslow St", "Berkeley St", "Sedgefield St", "Guess Rd"),
    ),
    Neighbourhood(
        "NCCU / Hayti",
        35.9750,
        -78.8990,
        0.005,
        0.13,
        "27707",
        "Durham",
        ("Fayetteville St", "Lawson St", "Cecil St", "Dunstan Ave", "Nelson St"),
    ),
    Neighbourhood(
        "South Square",
        35.9660,
        -78.9560,
        0.006,
        0.08,
        "27707",
        "Durham",
        ("University Dr", "Shannon Rd", "Garrett Rd", "Chapel Hill Rd"),
    ),
    Neighbourhood(
        "North Durham / Braggtown",
        36.0420,
        -78.8880,
        0.007,
        0.12,
        "27704",
        "Durham",
        ("N Roxboro St", "Old Oxford Rd", "Dearborn Dr", "Glenn School Rd"),
    ),
    Neighbourhood(
        "Bethesda",
        35.9380,
        -78.8350,
        0.007,
        0.07,
        "27703",
        "Durham",
        ("S Miami Blvd", "Ellis Rd", "Sherron Rd", "Page Rd", "Bethesda Ave"),
    ),
    Neighbourhood(
        "Lakewood / Old West Durham",
        35.9900,
        -78.9300,
        0.005,
        0.08,
        "27705",
        "Durham",
        ("Lakewood Ave", "Kent St", "Wells St", "Hillsborough Rd"),
    ),
    Neighbourhood(
        "Old North Durham",
        36.0100,
        -78.8980,
        0.004,
        0.08,
        "27701",
        "Durham",
        ("N Mangum St", "Geer St", "Trinity Ave", "Dacian Ave"),
    ),
    Neighbourhood(
        "Rougemont",
        36.2000,
        -78.9050,
        0.012,
        0.02,
        "27572",
        "Rougemont",
        ("Roxboro Rd", "Moores Mill Rd", "Red Mountain Rd", "Quail Roost Rd"),
    ),
)

# Where unsheltered and sheltered clients are found. Labels are generic on purpose.
CAMPS: tuple[Site, ...] = (
    Site("camp", "Library camp", "behind the library", 35.9960, -78.8985),
    Site(
        "camp", "Alston Ave overpass", "under the Alston Ave overpass, east side", 35.9887, -78.8856
    ),
    Site(
        "camp",
        "Ellerbe Creek woods",
        "woods along Ellerbe Creek, path from Geer St",
        36.0128,
        -78.8905,
    ),
    Site("camp", "Rail trail camp", "by the rail trail near Pettigrew St", 35.9900, -78.8935),
    Site("camp", "Angier Ave lot", "behind the grocery on Angier Ave", 35.9840, -78.8790),
    Site("camp", "Ellis Rd woods", "woods off Ellis Rd, near the creek", 35.9560, -78.8600),
    Site("other", "Durham Station bus bays", "bus station benches (daytime)", 35.9933, -78.9040),
    Site(
        "camp", "Fayetteville St bridge", "under the bridge on Fayetteville St", 35.9800, -78.8985
    ),
)
SHELTERS: tuple[Site, ...] = (
    Site(
        "shelter", "Liberty Street shelter", "adult dorm; ask at the front desk", 35.9925, -78.8920
    ),
    Site(
        "shelter",
        "East Main family shelter",
        "family shelter; sign in at the office",
        35.9880,
        -78.8800,
    ),
    Site(
        "shelter",
        "Main St shelter",
        "staff escort visitors inside",
        35.9940,
        -78.8870,
    ),
)
DAY_CENTRES: tuple[Site, ...] = (
    Site(
        "day_centre", "Holloway St day centre", "day centre, meals 11:00-13:00", 35.9905, -78.8835
    ),
    Site(
        "day_centre",
        "Main Library day room",
        "library ground floor, near the computers",
        35.9962,
        -78.8990,
    ),
)
# Details that tell one tent from another.
CAMP_DETAILS: tuple[str, ...] = (
    "blue tent",
    "green tarp",
    "grey tent by the fence",
    "orange tent",
    "shopping cart with a red blanket",
    "camouflage tarp",
    "sleeps by the loading dock",
    "yellow tent near the path",
)

# Invented names: a mix as diverse as Durham's population.
FIRST_NAMES: tuple[str, ...] = (
    "James",
    "Robert",
    "Michael",
    "William",
    "David",
    "Anthony",
    "Darnell",
    "Tyrone",
    "Marcus",
    "Andre",
    "Kevin",
    "Brian",
    "Terrence",
    "Curtis",
    "Earl",
    "Reginald",
    "Gary",
    "Larry",
    "Dennis",
    "Wayne",
    "Roy",
    "Harold",
    "Kenneth",
    "Ray",
    "Cedric",
    "Jamal",
    "Malik",
    "DeShawn",
    "Tyler",
    "Cody",
    "Wei",
    "Minh",
    "Sanjay",
    "Omar",
    "Mary",
    "Patricia",
    "Linda",
    "Barbara",
    "Dorothy",
    "Shirley",
    "Gloria",
    "Bernice",
    "Evelyn",
    "Annie",
    "Latoya",
    "Keisha",
    "Tamika",
    "Shanice",
    "Aisha",
    "Monique",
    "Crystal",
    "Tiffany",
    "Brittany",
    "Ashley",
    "Heather",
    "Amber",
    "Jennifer",
    "Angela",
    "Denise",
    "Lorraine",
    "Ruby",
    "Hattie",
    "Mei",
    "Priya",
    "Fatima",
    "Grace",
    "Ebony",
    "Imani",
)
LAST_NAMES: tuple[str, ...] = (
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Davis",
    "Miller",
    "Wilson",
    "Moore",
    "Taylor",
    "Thomas",
    "Jackson",
    "White",
    "Harris",
    "Martin",
    "Thompson",
    "Robinson",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Allen",
    "Young",
    "King",
    "Wright",
    "McNeill",
    "Mangum",
    "Pettiford",
    "Spaulding",
    "Merrick",
    "Fuller",
    "Shepard",
    "Cozart",
    "Tilley",
    "Umstead",
    "Ferrell",
    "Barbee",
    "Horton",
    "Evans",
    "Parrish",
    "Lyon",
    "Nguyen",
    "Tran",
    "Chen",
    "Patel",
    "Kim",
    "Okafor",
    "Mensah",
    "Hassan",
    "Bennett",
    "Coleman",
    "Simmons",
    "Graves",
    "Holloway",
    "Bynum",
    "Couch",
    "Riggsbee",
    "Daye",
    "Tapp",
    "Faucette",
    "Hinton",
)
HISPANIC_FIRST_NAMES: tuple[str, ...] = (
    "José",
    "Juan",
    "Luis",
    "Carlos",
    "Miguel",
    "Jorge",
    "Francisco",
    "Alejandro",
    "Rafael",
    "Héctor",
    "Santiago",
    "Mateo",
    "Ramón",
    "Ernesto",
    "María",
    "Guadalupe",
    "Rosa",
    "Ana",
    "Carmen",
    "Lucía",
    "Sofía",
    "Isabel",
    "Marisol",
    "Yesenia",
    "Leticia",
    "Adriana",
    "Verónica",
    "Esperanza",
    "Dolores",
    "Alma",
)
HISPANIC_LAST_NAMES: tuple[str, ...] = (
    "García",
    "Martínez",
    "Rodríguez",
    "López",
    "Hernández",
    "González",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Flores",
    "Rivera",
    "Gómez",
    "Díaz",
    "Cruz",
    "Morales",
    "Reyes",
    "Gutiérrez",
    "Ortiz",
    "Chávez",
    "Ramos",
    "Vásquez",
    "Castillo",
    "Jiménez",
    "Mendoza",
    "Aguilar",
    "Romero",
    "Herrera",
    "Medina",
    "Vargas",
)

# Safety notes: "{last}" is replaced by the client's last name.
SAFETY_NOTES: tuple[str, ...] = (
    "Dog on property; call ahead so it can be put away.",
    "Ask for Ms. {last} at the front desk.",
    "History of aggression; two-person visit.",
    "Oxygen in use; no open flame near the client.",
    "Steep steps, no handrail; bring the stair chair if transporting.",
    "Call before arriving; client works nights.",
    "Firearm in the home per family; ask for it to be secured before entering.",
    "Back door only; front porch is unsafe.",
)
