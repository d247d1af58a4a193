"""Physical constants and unit conversions, each with its source.

Values are CODATA 2018 / PDG 2020 unless stated. Names carry their unit.
"""

from __future__ import annotations

import math

#: Fermi constant G_F/(ħc)^3 in GeV^-2 [PDG 2020].
G_F_GEV2 = 1.1663787e-5

#: ħc in MeV fm [CODATA 2018].
HBARC_MEV_FM = 197.3269804

#: ħc in GeV cm, for converting GeV^-2 into cm^2 [CODATA 2018].
HBARC_GEV_CM = HBARC_MEV_FM * 1e-3 * 1e-13

#: Weak mixing angle sin^2(θ_W) at low energy, MS-bar scheme [PDG 2018-2020].
SIN2_THETA_W = 0.23857

#: Weak mixing angle sin^2(θ_W) at the Z pole, MS-bar scheme [PDG 2020].
SIN2_THETA_W_MZ = 0.23122

#: Charged-pion mass in MeV [PDG 2020].
M_PION_MEV = 139.57039

#: Muon mass in MeV [PDG 2020].
M_MUON_MEV = 105.6583755

#: Electron mass in GeV [CODATA 2018].
M_ELECTRON_GEV = 0.51099895000e-3

#: Proton mass in GeV [CODATA 2018].
M_PROTON_GEV = 0.93827208816

#: Atomic mass unit in GeV [CODATA 2018].
AMU_GEV = 0.93149410242

#: Avogadro constant in mol^-1 [SI, exact].
AVOGADRO_PER_MOL = 6.02214076e23

#: MeV in joule [SI, exact].
MEV_J = 1.602176634e-13

#: Seconds per day.
SECONDS_PER_DAY = 86400.0

#: Days per (Julian) year: the exposure unit "1 year" of the reactor forecasts [choice].
DAYS_PER_YEAR = 365.25

#: Proton rms charge radius in fm [CODATA 2018].
PROTON_CHARGE_RADIUS_FM = 0.8409

#: Neutron mean-square charge radius in fm^2 [PDG 2020].
NEUTRON_MS_CHARGE_RADIUS_FM2 = -0.1161

#: Darwin-Foldy term 3/(4 M_p^2) in fm^2: 3/4 (ħc/M_p)^2.
DARWIN_FOLDY_FM2 = 0.75 * (HBARC_MEV_FM / (M_PROTON_GEV * 1e3)) ** 2

#: 4π, spelled out for fluxes.
FOUR_PI = 4.0 * math.pi
