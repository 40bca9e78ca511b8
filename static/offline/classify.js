/*
 * The review's rule on the phone: a household's status, deprivations and explanation from its facts, with no
 * network. The same rule as the server's households.review_outcome.review_outcome (which runs
 * standards.indicators.decide_indicators, then standards.classification.classify): the lines, thresholds,
 * retirement ages and sentences come from the rule tables the server generates (offline/rule_tables.py),
 * only the decisions are written here, step by step as in those modules (the comments name the Python
 * functions). tests/offline/test_rule_parity.py runs generated cases through both and compares them exactly.
 *
 * A classic script (no module syntax): the pages and the service worker load it alike. It defines
 * globalThis.PovertyplanRules = { reviewOutcome, classify, decideIndicators, ClassificationError }.
 * Dates are ISO strings ("2026-09-01") read as numbers, never Date objects: no time zone can move a birthday.
 */
(function (root) {
  "use strict";

  class ClassificationError extends Error {
    constructor(field, message) {
      super(message);
      this.name = "ClassificationError";
      this.field = field;
    }
  }

  // --- words -------------------------------------------------------------------------------------------

  function format(template, values) {
    // Python's str.format with named fields (the msgids use no other form).
    return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
  }

  function message(tables, msgid) {
    const text = tables.texts.messages[msgid];
    return text === undefined ? msgid : text;
  }

  function vnd(amount, vietnamese) {
    // standards.classification._vnd: 1.500.000đ, or 1,500,000 VND.
    const grouped = String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return vietnamese ? grouped.replace(/,/g, ".") + "đ" : grouped + " VND";
  }

  // Exact decimals as fractions of BigInts, as the Python rule computes with Decimal and Fraction.
  function rational(value) {
    const text = String(value).trim();
    const match = /^(\d+)(?:\.(\d*))?$/.exec(text);
    if (!match) throw new Error(`Not a decimal number: ${text}`);
    const decimals = match[2] || "";
    return { n: BigInt(match[1] + decimals), d: 10n ** BigInt(decimals.length) };
  }

  function number(tables, n, d) {
    // standards.indicators._Context.number: two decimals (half to even), trailing zeros dropped.
    let q = (n * 100n) / d;
    const r = n * 100n - q * d;
    if (2n * r > d || (2n * r === d && q % 2n === 1n)) q += 1n;
    const whole = (q / 100n).toString();
    const cents = (q % 100n).toString().padStart(2, "0").replace(/0+$/, "");
    const text = cents ? `${whole}.${cents}` : whole;
    return tables.texts.vietnamese ? text.replace(".", ",") : text;
  }

  function percent(tables, n, d) {
    return number(tables, n * 100n, d) + "%";
  }

  function indicatorName(tables, indicator) {
    return tables.texts.vietnamese ? indicator.name_vi : indicator.name_en || indicator.name_vi;
  }

  function choiceLabel(tables, kind, value) {
    const labels = tables.texts.choices[kind] || {};
    return value in labels ? labels[value] : String(value);
  }

  // --- dates and working age (standards.working_age) ---------------------------------------------------

  function parseDate(text) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text));
    if (!match) throw new Error(`Not a date: ${text}`);
    return { year: +match[1], month: +match[2], day: +match[3] };
  }

  function ageOn(birth, on) {
    // standards.indicators.MemberFacts.age_on: full years.
    const before = on.month < birth.month || (on.month === birth.month && on.day < birth.day);
    return on.year - birth.year - (before ? 1 : 0);
  }

  function retirementMonths(tables, sex, year) {
    // The table holds the years of the roadmap; before and after it the age does not change.
    const months = tables.working_age.retirement_months[sex];
    const index = Math.min(Math.max(year - tables.working_age.first_year, 0), months.length - 1);
    return months[index];
  }

  function lastMonth(tables, birth, sex) {
    // standards.working_age.retirement_month, as a count of months.
    const born = birth.year * 12 + birth.month - 1;
    let year = birth.year + Math.floor(retirementMonths(tables, sex, 0) / 12);
    for (;;) {
      const reached = born + retirementMonths(tables, sex, year);
      if (Math.floor(reached / 12) <= year) return Math.floor(reached / 12) * 12 + (reached % 12) + 1;
      year += 1;
    }
  }

  function pastWorkingAge(tables, birth, sex, on) {
    // standards.working_age.past_working_age_if_known: null when the answer depends on an unknown sex.
    const month = on.year * 12 + on.month;
    if (sex === "male" || sex === "female") return month > lastMonth(tables, birth, sex);
    const male = month > lastMonth(tables, birth, "male");
    const female = month > lastMonth(tables, birth, "female");
    return male === female ? male : null;
  }

  function workingAge(tables, birth, sex, on) {
    // standards.working_age.working_age_if_known.
    if (ageOn(birth, on) < tables.working_age.min_age) return false;
    const past = pastWorkingAge(tables, birth, sex, on);
    return past === null ? null : !past;
  }

  // --- the indicators (standards.indicators) ----------------------------------------------------------

  // standards.indicators.MemberFacts' defaults: a fact left out of the JSON is what the server reads for it.
  const MEMBER_DEFAULTS = {
    name: "",
    in_school: false,
    at_age_appropriate_level: null,
    education: null,
    health_insurance: null,
    sick_untreated: false,
    employment: null,
    disability: "none",
    social_allowance: false,
    malnourished: false,
    sex: null,
  };

  class Context {
    constructor(tables, facts, on) {
      this.tables = tables;
      this.facts = facts;
      this.members = (facts.members || []).map((m) => ({ ...MEMBER_DEFAULTS, ...m }));
      this.on = on;
      this.births = this.members.map((m) => parseDate(m.birth_date));
      this.ages = this.births.map((birth) => ageOn(birth, on));
      this.missing = [];
      this.code = "";
      this.thresholds = {};
    }

    threshold(key) {
      if (!(key in this.thresholds)) throw new Error(`Indicator ${this.code} has no threshold ${key}.`);
      return this.thresholds[key];
    }

    household(name) {
      const value = this.facts[name];
      if (value === null || value === undefined) {
        this.missing.push({ indicator: this.code, fact: name });
        return null;
      }
      return value;
    }

    member(index, name) {
      const value = this.members[index][name];
      if (value === null || value === undefined) {
        this.missing.push({ indicator: this.code, fact: `members[${index + 1}].${name}` });
        return null;
      }
      return value;
    }

    sexMissing(index) {
      this.missing.push({ indicator: this.code, fact: `members[${index + 1}].sex` });
    }

    text(msgid) {
      return message(this.tables, msgid);
    }

    name(index) {
      return this.members[index].name || format(this.text("member {number}"), { number: index + 1 });
    }

    names(indexes) {
      return indexes.map((i) => this.name(i)).join(", ");
    }

    label(kind, value) {
      return choiceLabel(this.tables, kind, value);
    }

    aged(ageFrom, ageBelow) {
      const found = [];
      this.ages.forEach((age, i) => {
        if (ageFrom <= age && (ageBelow === null || age < ageBelow)) found.push(i);
      });
      return found;
    }
  }

  // A decision: deprived or not, and the reason when deprived (the reasons a review keeps:
  // decide_indicators(explain="deprived")).
  const yes = (reason) => ({ deprived: true, reason: reason() });
  const no = () => ({ deprived: false, reason: "" });
  const decision = (deprived, reason) => (deprived ? yes(reason) : no());

  const includes = (list, value) => Array.prototype.includes.call(list, value);

  const DECIDERS = {
    health_access(c) {
      const sick = c.members.map((m, i) => (m.sick_untreated ? i : -1)).filter((i) => i >= 0);
      if (sick.length) return yes(() => format(c.text("{names}: ill without medical care"), { names: c.names(sick) }));
      return no();
    },

    health_insurance(c) {
      const ageFrom = parseInt(c.threshold("age_from"), 10);
      const without = c.aged(ageFrom, null).filter((i) => c.member(i, "health_insurance") === false);
      if (without.length) {
        return yes(() =>
          format(c.text("{names}: aged {age_from} or over without health insurance"), {
            names: c.names(without),
            age_from: ageFrom,
          }),
        );
      }
      return no();
    },

    adult_education(c) {
      const lacking = [];
      for (const group of c.threshold("groups")) {
        let ageBelow = group.age_below ?? null;
        if (ageBelow === null && (group.age_to ?? null) !== null) ageBelow = parseInt(group.age_to, 10) + 1;
        const bornFrom = group.born_from_year ?? null;
        const members = c.aged(parseInt(group.age_from, 10), ageBelow === null ? null : parseInt(ageBelow, 10));
        for (const i of members) {
          if (bornFrom !== null && c.births[i].year < parseInt(bornFrom, 10)) continue;
          if (c.members[i].in_school) continue;
          const level = c.member(i, "education");
          if (level === null || includes(group.accepted, level)) continue;
          if (c.member(i, "in_school") === false) lacking.push(i);
        }
      }
      if (lacking.length) {
        return yes(() =>
          format(c.text("{names}: without the required schooling and not studying"), { names: c.names(lacking) }),
        );
      }
      return no();
    },

    child_schooling(c) {
      const ageFrom = parseInt(c.threshold("age_from"), 10);
      const ageBelow = parseInt(c.threshold("age_below"), 10);
      const requireLevel = Boolean(c.threshold("require_age_appropriate_level"));
      const out = [];
      const behind = [];
      for (const i of c.aged(ageFrom, ageBelow)) {
        const inSchool = c.member(i, "in_school");
        if (inSchool === null) continue;
        if (!inSchool) out.push(i);
        else if (requireLevel && c.member(i, "at_age_appropriate_level") === false) behind.push(i);
      }
      if (out.length || behind.length) {
        return yes(() => {
          const reasons = [];
          if (out.length) reasons.push(format(c.text("{names}: not in school"), { names: c.names(out) }));
          if (behind.length) {
            reasons.push(format(c.text("{names}: not at the school level for their age"), { names: c.names(behind) }));
          }
          return reasons.join("; ");
        });
      }
      return no();
    },

    housing_quality(c) {
      const housing = c.household("housing");
      if (housing === null) return no();
      return decision(includes(c.threshold("deprived_types"), housing), () =>
        format(c.text("house: {housing}"), { housing: c.label("housing", housing) }),
      );
    },

    housing_area(c) {
      const value = c.household("living_area_m2");
      if (value === null) return no();
      const area = rational(value);
      const people = BigInt(c.members.length);
      const minimum = rational(c.threshold("min_m2_per_person"));
      // area < minimum × people, across the two denominators.
      const deprived = area.n * minimum.d < minimum.n * people * area.d;
      return decision(deprived, () =>
        format(c.text("{area} m² for {people} people: {per_person} m² each, below {minimum} m²"), {
          area: number(c.tables, area.n, area.d),
          people: c.members.length,
          per_person: people ? number(c.tables, area.n, area.d * people) : number(c.tables, area.n, area.d),
          minimum: number(c.tables, minimum.n, minimum.d),
        }),
      );
    },

    water(c) {
      const source = c.household("water_source");
      if (source === null) return no();
      return decision(!includes(c.threshold("safe_sources"), source), () =>
        format(c.text("water source: {source}"), { source: c.label("water_source", source) }),
      );
    },

    latrine(c) {
      const latrine = c.household("latrine");
      if (latrine === null) return no();
      return decision(!includes(c.threshold("hygienic_types"), latrine), () =>
        format(c.text("latrine: {latrine}"), { latrine: c.label("latrine", latrine) }),
      );
    },

    telecom(c) {
      const used = c.household("telecom");
      if (used === null) return no();
      const wanted = Array.from(c.threshold("any_of"));
      const noneUsed = !wanted.some((service) => includes(used, service));
      return decision(noneUsed, () =>
        format(c.text("no member uses any of: {services}"), {
          services: wanted.map((s) => c.label("telecom", s)).join(", "),
        }),
      );
    },

    information_means(c) {
      // Decision 59/2015/QĐ-TTg also counts the village loudspeaker; Decree 07/2021/NĐ-CP devices only.
      const devices = c.household("devices");
      const loudspeakerCounts = Boolean(c.threshold("loudspeaker_counts"));
      const hears = loudspeakerCounts ? c.household("village_loudspeaker") : false;
      if (devices === null || hears === null) return no();
      const wanted = Array.from(c.threshold("devices"));
      if (wanted.some((d) => includes(devices, d)) || hears) return no();
      return yes(() =>
        format(c.text("none of: {devices}"), { devices: wanted.map((d) => c.label("devices", d)).join(", ") }),
      );
    },

    employment(c) {
      const statuses = c.threshold("deprived_statuses");
      let candidates = [];
      if (c.thresholds.working_age) {
        c.members.forEach((m, i) => {
          if (m.employment !== null && !includes(statuses, m.employment)) return;
          const working = workingAge(c.tables, c.births[i], m.sex, c.on);
          if (working) candidates.push(i);
          else if (working === null) c.sexMissing(i);
        });
      } else {
        const ageFrom = parseInt(c.threshold("age_from"), 10);
        const ageTo = parseInt(c.threshold("age_to"), 10);
        candidates = c.aged(ageFrom, ageTo + 1);
      }
      const deprived = [];
      for (const i of candidates) {
        const status = c.member(i, "employment");
        if (status !== null && includes(statuses, status)) deprived.push([i, status]);
      }
      if (deprived.length) {
        return yes(() =>
          format(c.text("working-age members deprived of employment: {members}"), {
            members: deprived.map(([i, status]) => `${c.name(i)} (${c.label("employment", status)})`).join(", "),
          }),
        );
      }
      return no();
    },

    dependants(c) {
      const childBelow = parseInt(c.threshold("child_age_below"), 10);
      const pastWorking = Boolean(c.thresholds.elderly_past_working_age);
      const elderlyFrom = pastWorking ? null : parseInt(c.threshold("elderly_age_from"), 10);
      const elderlyAllowance = Boolean(c.threshold("elderly_requires_allowance"));
      const disabledLevels = c.threshold("disabled_levels");
      const disabledAllowance = Boolean(c.threshold("disabled_requires_allowance"));
      const limit = rational(c.threshold("share_above"));

      const isDependant = (m, i, age) => {
        if (age < childBelow) return true;
        if (includes(disabledLevels, m.disability) && (m.social_allowance || !disabledAllowance)) return true;
        if (elderlyAllowance && !m.social_allowance) return false;
        if (elderlyFrom !== null) return age >= elderlyFrom;
        const elderly = pastWorkingAge(c.tables, c.births[i], m.sex, c.on);
        if (elderly === null) c.sexMissing(i);
        return Boolean(elderly);
      };

      let count = 0;
      c.members.forEach((m, i) => {
        if (isDependant(m, i, c.ages[i])) count += 1;
      });
      const people = c.members.length;
      // share > share_above, in whole numbers.
      const deprived = people ? BigInt(count) * limit.d > limit.n * BigInt(people) : limit.n < 0n;
      return decision(deprived, () =>
        format(c.text("{count} dependants of {people} people ({share}), more than {limit}"), {
          count,
          people,
          share: people ? percent(c.tables, BigInt(count), BigInt(people)) : percent(c.tables, 0n, 1n),
          limit: percent(c.tables, limit.n, limit.d),
        }),
      );
    },

    nutrition(c) {
      const ageBelow = parseInt(c.threshold("age_below"), 10);
      const children = c.aged(0, ageBelow).filter((i) => c.members[i].malnourished);
      if (children.length) {
        return yes(() =>
          format(c.text("{names}: malnourished, under {age_below}"), {
            names: c.names(children),
            age_below: ageBelow,
          }),
        );
      }
      return no();
    },

    waste(c) {
      const waste = c.household("waste");
      if (waste === null) return no();
      return decision(!includes(c.threshold("adequate"), waste), () =>
        format(c.text("household waste: {waste}"), { waste: c.label("waste", waste) }),
      );
    },
  };

  /**
   * standards.indicators.decide_indicators (explain="deprived"): {decisions: {code: {deprived, reason}}, missing}.
   * ``missing`` lists the facts an indicator needs and the officer left empty ({indicator, fact}); the server
   * refuses such a review (MissingFactsError), so the form asks for them.
   */
  function decideIndicators(tables, facts, on) {
    const context = new Context(tables, facts, parseDate(on));
    const decisions = {};
    for (const indicator of tables.standard.indicators) {
      const decide = DECIDERS[indicator.code];
      if (!decide) throw new Error(`No rule decides indicator ${indicator.code} of standard ${tables.standard.code}.`);
      context.code = indicator.code;
      context.thresholds = indicator.thresholds;
      decisions[indicator.code] = decide(context);
    }
    return { decisions, missing: context.missing };
  }

  // --- the classification (standards.classification) ------------------------------------------------

  function areaLines(tables, year, area, mountainIsland) {
    // StandardRules.lines_for and IncomeLines.for_area.
    const standard = tables.standard;
    if (area !== "rural" && area !== "urban") {
      throw new ClassificationError("area", format(message(tables, "Unknown area “{area}”: use “rural” or “urban”."), { area }));
    }
    if (!Number.isInteger(year)) throw new ClassificationError("year", message(tables, "The year must be a whole number."));
    if (year < standard.year_from || year > standard.year_to) {
      const values = { year, year_from: standard.year_from, year_to: standard.year_to, code: standard.code };
      throw new ClassificationError(
        "year",
        format(message(tables, "The year {year} is outside the period {year_from}-{year_to} of standard {code}."), values),
      );
    }
    const lines = standard.lines.find((l) => l.year_from <= year && year <= l.year_to);
    if (!lines) {
      const text = format(message(tables, "Standard {code} has no income line for {year}."), { code: standard.code, year });
      throw new ClassificationError("year", text);
    }
    if (area === "urban") {
      return {
        poor: lines.poor_urban,
        near_poor: lines.near_poor_urban,
        minimum_living: lines.minimum_living_urban,
        average: lines.average_urban,
        mountain_island: false,
      };
    }
    if (mountainIsland && lines.poor_rural_mountain !== null && lines.poor_rural_mountain !== undefined) {
      return { poor: lines.poor_rural_mountain, near_poor: null, minimum_living: null, average: null, mountain_island: true };
    }
    return {
      poor: lines.poor_rural,
      near_poor: lines.near_poor_rural,
      minimum_living: lines.minimum_living_rural,
      average: lines.average_rural,
      mountain_island: false,
    };
  }

  const present = (value) => value !== null && value !== undefined;

  function required(value, standard, what) {
    if (!present(value)) throw new Error(`Standard ${standard.code} v${standard.version} has no ${what}.`);
    return value;
  }

  /**
   * standards.classification.classify: {status, deprived, deprived_count, explanation}. ``deprived`` are
   * indicator codes; they are kept in the standard's order, without repeats.
   */
  function classify(tables, { year, area, income, deprived = [], mountainIsland = false }) {
    const standard = tables.standard;
    const texts = tables.texts;
    if (typeof income !== "number" || !Number.isInteger(income)) {
      throw new ClassificationError("income", message(tables, "The income must be a whole number of VND."));
    }
    if (income < 0) throw new ClassificationError("income", message(tables, "The income cannot be negative."));
    const lines = areaLines(tables, year, area, mountainIsland);
    const given = new Set(deprived);
    const known = standard.indicators.map((i) => i.code);
    const unknown = [...given].filter((code) => !known.includes(code)).sort();
    if (unknown.length) {
      throw new ClassificationError(
        "deprived",
        format(message(tables, "Standard {code} has no indicator {unknown}."), {
          code: standard.code,
          unknown: unknown.join(", "),
        }),
      );
    }
    const codes = known.filter((code) => given.has(code));
    const vietnamese = texts.vietnamese;
    const areaWord =
      area === "urban" ? texts.areas.urban : lines.mountain_island ? texts.areas.rural_mountain_island : texts.areas.rural;
    const context = { income: vnd(income, vietnamese), area: areaWord, year };
    const explanation = [];
    const add = (msgid, amounts) => {
      const money = {};
      for (const [key, value] of Object.entries(amounts)) money[key] = vnd(value, vietnamese);
      explanation.push(format(message(tables, msgid), { ...context, ...money }));
    };
    const deprivations = () => {
      // _Explanation.deprivations: the count against the cut-off; true when it reaches it.
      const cutoff = required(standard.deprivation_cutoff, standard, "deprivation cut-off");
      const byCode = Object.fromEntries(standard.indicators.map((i) => [i.code, i]));
      const values = {
        count: codes.length,
        total: standard.indicators.length,
        cutoff,
        names: codes.map((code) => indicatorName(tables, byCode[code])).join(", "),
      };
      const reached = codes.length >= cutoff;
      let msgid;
      if (reached) msgid = "deprived in {count} of {total} indicators, reaching the cut-off of {cutoff}: {names}";
      else if (codes.length) msgid = "deprived in {count} of {total} indicators, below the cut-off of {cutoff}: {names}";
      else msgid = "deprived in none of the {total} indicators, below the cut-off of {cutoff}";
      explanation.push(format(message(tables, msgid), values));
      return reached;
    };

    let status;
    if (standard.method === "income_only") {
      // Decisions 1143/2000/QĐ-LĐTBXH, 170/2005/QĐ-TTg, 09/2011/QĐ-TTg: income alone.
      if (income <= lines.poor) {
        add("income {income} ≤ poor line {poor} ({area}, {year})", { poor: lines.poor });
        status = "poor";
      } else if (present(lines.near_poor) && income <= lines.near_poor) {
        add("poor line {poor} < income {income} ≤ near-poor line {near_poor} ({area}, {year})", {
          poor: lines.poor,
          near_poor: lines.near_poor,
        });
        status = "near_poor";
      } else {
        if (present(lines.near_poor)) {
          add("income {income} > near-poor line {near_poor} ({area}, {year})", { near_poor: lines.near_poor });
        } else {
          add("income {income} > poor line {poor} ({area}, {year})", { poor: lines.poor });
        }
        status = "not_poor";
      }
    } else if (standard.method === "income_or_deprivation") {
      // Decision 59/2015/QĐ-TTg, art. 2.
      if (income <= lines.poor) {
        add("income {income} ≤ poor line {poor} ({area}, {year})", { poor: lines.poor });
        status = "poor";
      } else {
        const minimum = required(lines.minimum_living, standard, "minimum living standard");
        if (income <= minimum) {
          add("poor line {poor} < income {income} ≤ minimum living standard {minimum} ({area}, {year})", {
            poor: lines.poor,
            minimum,
          });
          status = deprivations() ? "poor" : "near_poor";
        } else if (present(lines.average) && income <= lines.average) {
          add(
            "minimum living standard {minimum} < income {income} ≤ average living standard line {average} ({area}, {year})",
            { minimum, average: lines.average },
          );
          status = "average";
        } else {
          if (present(lines.average)) {
            add("income {income} > average living standard line {average} ({area}, {year})", { average: lines.average });
          } else {
            add("income {income} > minimum living standard {minimum} ({area}, {year})", { minimum });
          }
          status = "not_poor";
        }
      }
    } else {
      // Decree 07/2021/NĐ-CP, art. 4; Decree 351/2025/NĐ-CP.
      if (income <= lines.poor) {
        add("income {income} ≤ poor line {poor} ({area}, {year})", { poor: lines.poor });
        status = deprivations() ? "poor" : "near_poor";
      } else if (present(lines.average) && income <= lines.average) {
        add("poor line {poor} < income {income} ≤ average living standard line {average} ({area}, {year})", {
          poor: lines.poor,
          average: lines.average,
        });
        status = "average";
      } else {
        if (present(lines.average)) {
          add("income {income} > average living standard line {average} ({area}, {year})", { average: lines.average });
        } else {
          add("income {income} > poor line {poor} ({area}, {year})", { poor: lines.poor });
        }
        status = "not_poor";
      }
    }
    const label = texts.statuses[status];
    if (standard.document) {
      explanation.push(format(message(tables, "result: {status} ({document})"), { status: label, document: standard.document }));
    } else {
      explanation.push(format(message(tables, "result: {status}"), { status: label }));
    }
    return { status, deprived: codes, deprived_count: codes.length, explanation };
  }

  /**
   * households.review_outcome.review_outcome without the transition: what the review form shows.
   * ``incomeYear`` is the year whose line applies (standards.selectors.rules_year), ``on`` the review's
   * reference date (ages), ``facts`` as HouseholdFacts.to_json writes them. When facts are missing the answer is
   * {missing: [...]} and no status: the server would refuse the review.
   */
  function reviewOutcome(tables, { incomeYear, isUrban, income, facts, on, mountainIsland = false }) {
    let deprived = [];
    let reasons = [];
    if (tables.standard.method !== "income_only") {
      const { decisions, missing } = decideIndicators(tables, facts, on);
      if (missing.length) return { missing };
      deprived = Object.keys(decisions).filter((code) => decisions[code].deprived);
      reasons = deprived.filter((code) => decisions[code].reason).map((code) => `${code}: ${decisions[code].reason}`);
    }
    const result = classify(tables, {
      year: incomeYear,
      area: isUrban ? "urban" : "rural",
      income,
      deprived,
      mountainIsland,
    });
    return { ...result, explanation: result.explanation.concat(reasons), missing: [] };
  }

  root.PovertyplanRules = { reviewOutcome, classify, decideIndicators, ClassificationError, FORMAT: 1 };
})(globalThis);
