// Two views picked by the URL's hash: `#/partners/<slug>` and `#/funding`.
import { useEffect, useState } from "react";
import { FundingOverview } from "./FundingOverview";
import { PartnerPage } from "./PartnerPage";

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return hash;
}

export function App() {
  const hash = useHash();
  const partner = /^#\/partners\/([\w-]+)$/.exec(hash)?.[1];
  return (
    <>
      <nav>
        <a href="#/partners/centrada">Partner: Centrada</a> ·{" "}
        <a href="#/partners/gemeente-lelystad">Partner: Gemeente Lelystad</a> ·{" "}
        <a href="#/funding">Funding overview</a>
      </nav>
      <main>{partner ? <PartnerPage slug={partner} /> : <FundingOverview />}</main>
    </>
  );
}
