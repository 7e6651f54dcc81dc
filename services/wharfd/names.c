/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <sys/random.h>

#include "macro.h"
#include "names.h"

/* A selection of docker's names-generator lists. */
static const char *const adjectives[] = {
        "admiring", "adoring", "affectionate", "agitated", "amazing", "angry", "awesome",
        "beautiful", "blissful", "bold", "brave", "busy", "charming", "clever", "compassionate",
        "competent", "condescending", "confident", "cool", "cranky", "crazy", "dazzling",
        "determined", "distracted", "dreamy", "eager", "ecstatic", "elastic", "elated",
        "elegant", "eloquent", "epic", "exciting", "fervent", "festive", "flamboyant",
        "focused", "friendly", "frosty", "funny", "gallant", "gifted", "goofy", "gracious",
        "great", "happy", "hardcore", "heuristic", "hopeful", "hungry", "infallible",
        "inspiring", "intelligent", "interesting", "jolly", "jovial", "keen", "kind",
        "laughing", "loving", "lucid", "magical", "modest", "musing", "mystifying", "naughty",
        "nervous", "nice", "nifty", "nostalgic", "objective", "optimistic", "peaceful",
        "pedantic", "pensive", "practical", "priceless", "quirky", "quizzical", "relaxed",
        "reverent", "romantic", "serene", "sharp", "silly", "sleepy", "stoic", "strange",
        "stupefied", "suspicious", "sweet", "tender", "thirsty", "trusting", "unruffled",
        "upbeat", "vibrant", "vigilant", "vigorous", "wizardly", "wonderful", "xenodochial",
        "youthful", "zealous", "zen",
};

static const char *const surnames[] = {
        "agnesi", "albattani", "allen", "archimedes", "ardinghelli", "aryabhata", "babbage",
        "banach", "bardeen", "bartik", "bassi", "bell", "bhabha", "blackburn", "bohr", "booth",
        "borg", "bose", "brahmagupta", "brattain", "brown", "carson", "chandrasekhar", "clarke",
        "colden", "cori", "cray", "curie", "darwin", "davinci", "dijkstra", "dirac", "einstein",
        "elion", "engelbart", "euclid", "euler", "faraday", "fermat", "fermi", "feynman",
        "franklin", "galileo", "gates", "goldberg", "goldstine", "goodall", "hamilton",
        "hawking", "heisenberg", "hermann", "hodgkin", "hoover", "hopper", "hypatia", "jang",
        "jennings", "johnson", "joliot", "kalam", "kapitsa", "keller", "kepler", "khorana",
        "knuth", "lalande", "lamarr", "lamport", "leakey", "leavitt", "lovelace", "lumiere",
        "mayer", "mccarthy", "mcclintock", "meitner", "mendel", "merkle", "mirzakhani",
        "montalcini", "moore", "morse", "napier", "nash", "neumann", "newton", "nobel",
        "noether", "pare", "pasteur", "payne", "perlman", "pike", "poincare", "ptolemy",
        "raman", "ride", "ritchie", "rosalind", "sammet", "shannon", "shockley", "sinoussi",
        "stallman", "swanson", "swartz", "tesla", "thompson", "torvalds", "turing", "varahamihira",
        "visvesvaraya", "volhard", "wescoff", "wiles", "williams", "wilson", "wing", "wozniak",
        "wright", "yalow", "yonath",
};

bool container_name_is_valid(const char *name) {
        if (!name)
                return false;
        if (name[0] == '/')
                name++;
        /* at least two characters: the first, then one or more of the rest */
        if (!name[0] || !name[1])
                return false;
        for (size_t i = 0; name[i]; i++) {
                char c = name[i];
                bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                if (!alnum && (i == 0 || !strchr("_.-", c)))
                        return false;
        }
        return true;
}

static unsigned random_below(unsigned n) {
        unsigned v = 0;
        if (getrandom(&v, sizeof v, 0) != (ssize_t) sizeof v)
                v = (unsigned) rand();
        return v % n;
}

int container_name_generate(unsigned retry, char **ret) {
        const char *a, *s;
        int k;

        do {
                a = adjectives[random_below(ELEMENTSOF(adjectives))];
                s = surnames[random_below(ELEMENTSOF(surnames))];
        } while (streq(a, "boring") && streq(s, "wozniak")); /* Steve Wozniak is not boring */

        if (retry > 0)
                k = asprintf(ret, "%s_%s%u", a, s, random_below(10));
        else
                k = asprintf(ret, "%s_%s", a, s);
        if (k < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}
