package demo

// company is a customer or prospect organisation in the demo data. Domains are
// under the reserved .example TLD (RFC 2606) so no demo address is real.
type company struct {
	Name      string
	Domain    string
	City      string
	Country   string
	Industry  string
	Employees string // a size band, as a CRM form would record it
}

// companies are the ~35 organisations the demo's people work at, across
// Europe and North America. people.go refers to them by index.
var companies = []company{
	{"Nordlicht Logistik GmbH", "nordlicht-logistik.example", "Hamburg", "Germany", "Logistics", "201-500"},
	{"Brauerei Kessler AG", "kessler-brauerei.example", "Munich", "Germany", "Food & Beverage", "51-200"},
	{"Müller & Söhne Maschinenbau", "mueller-soehne.example", "Stuttgart", "Germany", "Manufacturing", "501-1000"},
	{"Atelier Lefèvre", "atelier-lefevre.example", "Lyon", "France", "Retail", "11-50"},
	{"Boulangeries Moreau", "moreau.example", "Paris", "France", "Food & Beverage", "201-500"},
	{"Solenne Santé", "solenne-sante.example", "Bordeaux", "France", "Healthcare", "51-200"},
	{"Núñez Ingeniería", "nunez-ingenieria.example", "Madrid", "Spain", "Construction", "201-500"},
	{"Costa Verde Hoteles", "costaverde.example", "Barcelona", "Spain", "Hospitality", "501-1000"},
	{"Wójcik Transport", "wojcik-transport.example", "Kraków", "Poland", "Logistics", "51-200"},
	{"Vistula Software House", "vistula.example", "Warsaw", "Poland", "Software", "51-200"},
	{"Ångström Optics AB", "angstrom-optics.example", "Gothenburg", "Sweden", "Manufacturing", "51-200"},
	{"Fjällrose Design", "fjallrose.example", "Stockholm", "Sweden", "Design", "11-50"},
	{"Kjærgaard Energi", "kjaergaard-energi.example", "Copenhagen", "Denmark", "Energy", "201-500"},
	{"Van Dijk Installatietechniek", "vandijk.example", "Rotterdam", "Netherlands", "Construction", "51-200"},
	{"Tulp Finance", "tulpfinance.example", "Amsterdam", "Netherlands", "Financial Services", "11-50"},
	{"O'Brien & Walsh Solicitors", "obrienwalsh.example", "Dublin", "Ireland", "Legal", "11-50"},
	{"Harbourside Freight Ltd", "harbourside.example", "Manchester", "United Kingdom", "Logistics", "201-500"},
	{"Pennant Health Partners", "pennanthealth.example", "London", "United Kingdom", "Healthcare", "501-1000"},
	{"Thistle & Co Accountants", "thistle.example", "Edinburgh", "United Kingdom", "Financial Services", "11-50"},
	{"Alpenblick Tourismus", "alpenblick.example", "Innsbruck", "Austria", "Hospitality", "51-200"},
	{"Lindqvist Retail Oy", "lindqvist.example", "Helsinki", "Finland", "Retail", "201-500"},
	{"Ferraro Arredamenti", "ferraro.example", "Milan", "Italy", "Manufacturing", "51-200"},
	{"Tavares Vinhos", "tavares-vinhos.example", "Porto", "Portugal", "Food & Beverage", "11-50"},
	{"Helvetic Precision SA", "helvetic-precision.example", "Zurich", "Switzerland", "Manufacturing", "201-500"},
	{"Cascade Outdoor Supply", "cascade-outdoor.example", "Portland", "United States", "Retail", "201-500"},
	{"Lakeshore Dental Group", "lakeshore-dental.example", "Chicago", "United States", "Healthcare", "51-200"},
	{"Redwood Analytics", "redwood-analytics.example", "San Francisco", "United States", "Software", "51-200"},
	{"Bluebonnet Property Management", "bluebonnet.example", "Austin", "United States", "Real Estate", "51-200"},
	{"Granite State Manufacturing", "granitestate.example", "Boston", "United States", "Manufacturing", "501-1000"},
	{"Peachtree Staffing", "peachtree-staffing.example", "Atlanta", "United States", "Professional Services", "201-500"},
	{"Hudson Yard Media", "hudsonyard.example", "New York", "United States", "Media", "11-50"},
	{"Maple Leaf Logistics", "mapleleaf-logistics.example", "Toronto", "Canada", "Logistics", "501-1000"},
	{"Laurentian Éco-Construction", "laurentian.example", "Montréal", "Canada", "Construction", "51-200"},
	{"Pacific Rim Seafood", "pacificrim.example", "Vancouver", "Canada", "Food & Beverage", "201-500"},
	{"Sonora Solar", "sonora-solar.example", "Phoenix", "United States", "Energy", "51-200"},
}

// Indices into companies, so people.go reads as data rather than numbers.
const (
	cNordlicht = iota
	cKessler
	cMueller
	cLefevre
	cMoreau
	cSolenne
	cNunez
	cCostaVerde
	cWojcik
	cVistula
	cAngstrom
	cFjallrose
	cKjaergaard
	cVanDijk
	cTulp
	cOBrien
	cHarbourside
	cPennant
	cThistle
	cAlpenblick
	cLindqvist
	cFerraro
	cTavares
	cHelvetic
	cCascade
	cLakeshore
	cRedwood
	cBluebonnet
	cGranite
	cPeachtree
	cHudson
	cMapleLeaf
	cLaurentian
	cPacificRim
	cSonora
	// cNone marks an independent person with no company; their address is
	// on example.com or example.org.
	cNone = -1
)
