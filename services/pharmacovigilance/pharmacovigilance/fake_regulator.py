"""`python -m pharmacovigilance.fake_regulator`: the fake regulator process
(`regulator.fake_pvpi`), under the module path that stack/ and the tests run."""

from pharmacovigilance.regulator.fake_pvpi import main

if __name__ == "__main__":
    main()
